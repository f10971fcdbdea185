import { useId } from 'react';
import type { EditorNode } from './doc.ts';
import { newEdgeId } from './doc.ts';
import { useEditor } from './store.ts';

export const deleteEdge = (id: string): void => {
  const { doc, change, select } = useEditor.getState();
  change({ ...doc, edges: doc.edges.filter((e) => e.id !== id) });
  select(undefined);
};

/**
 * A node's edges from the keyboard: connect it to another node, and its outgoing and incoming edges
 * listed with a delete button each; also the node's own delete. Dragging between handles does the
 * same with a pointer.
 */
export const Connections = ({ node }: { node: EditorNode }) => {
  const doc = useEditor((s) => s.doc);
  const pickId = useId();
  const out = doc.edges.filter((e) => e.source === node.id);
  const into = doc.edges.filter((e) => e.target === node.id);
  const linked = new Set(out.map((e) => e.target));
  const candidates = doc.nodes.filter((n) => n.id !== node.id && !linked.has(n.id));
  const connect = (target: string) => {
    const d = useEditor.getState().doc;
    useEditor.getState().change({ ...d, edges: [...d.edges, { id: newEdgeId(), source: node.id, target }] });
  };
  const remove = () => {
    const { doc: d, change, select } = useEditor.getState();
    change({
      ...d,
      nodes: d.nodes.filter((n) => n.id !== node.id),
      edges: d.edges.filter((e) => e.source !== node.id && e.target !== node.id),
    });
    select(undefined);
  };
  return (
    <section aria-label="Edges" className="lf-connections">
      <label htmlFor={pickId} className="lf-muted">
        Connect to (runs after this node)
      </label>
      <select
        id={pickId}
        data-field="connect"
        value=""
        onChange={(e) => e.target.value && connect(e.target.value)}
        disabled={candidates.length === 0}
      >
        <option value="">Choose a node…</option>
        {candidates.map((n) => (
          <option key={n.id} value={n.id}>
            {typeof n.label === 'string' && n.label !== n.id ? `${n.label} (${n.id})` : n.id}
          </option>
        ))}
      </select>
      {(into.length > 0 || out.length > 0) && (
        <ul>
          {[...into, ...out].map((e) => (
            <li key={e.id}>
              {e.source} → {e.target}{' '}
              <button type="button" className="danger" onClick={() => deleteEdge(e.id)}>
                Delete
                <span className="lf-sr-only">
                  {' '}
                  edge from {e.source} to {e.target}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="danger" onClick={remove}>
        Delete node {node.id}
      </button>
    </section>
  );
};
