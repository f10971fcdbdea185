import { type DagDiff, type FieldChange, isEmptyDiff, showValue } from './dag-diff.ts';

const Field = ({ c }: { c: FieldChange }) => (
  <li>
    <code>{c.path}</code>: {showValue(c.before)} → {showValue(c.after)}
  </li>
);

/** A diff as short sentences: what was added, removed and changed, node by node and edge by edge. */
export const DiffView = ({ diff }: { diff: DagDiff }) => {
  if (isEmptyDiff(diff)) return <p className="lf-muted">No changes.</p>;
  const { nodes, edges } = diff;
  return (
    <ul className="lf-diff" data-testid="diff">
      {diff.fields.map((c) => (
        <Field key={`dag ${c.path}`} c={c} />
      ))}
      {nodes.added.map((id) => (
        <li key={`+n ${id}`} className="lf-diff-add">
          Added node <code>{id}</code>
        </li>
      ))}
      {nodes.removed.map((id) => (
        <li key={`-n ${id}`} className="lf-diff-remove">
          Removed node <code>{id}</code>
        </li>
      ))}
      {nodes.changed.map((n) => (
        <li key={`~n ${n.key}`}>
          Changed node <code>{n.key}</code>
          <ul>
            {n.changes.map((c) => (
              <Field key={c.path} c={c} />
            ))}
          </ul>
        </li>
      ))}
      {nodes.moved.length > 0 && (
        <li key="moved" className="lf-muted">
          Moved {nodes.moved.length === 1 ? 'node' : `${nodes.moved.length} nodes`}{' '}
          {nodes.moved.slice(0, 5).join(', ')}
          {nodes.moved.length > 5 ? '…' : ''}
        </li>
      )}
      {edges.added.map((k) => (
        <li key={`+e ${k}`} className="lf-diff-add">
          Added edge {k}
        </li>
      ))}
      {edges.removed.map((k) => (
        <li key={`-e ${k}`} className="lf-diff-remove">
          Removed edge {k}
        </li>
      ))}
      {edges.changed.map((e) => (
        <li key={`~e ${e.key}`}>
          Changed edge {e.key}
          <ul>
            {e.changes.map((c) => (
              <Field key={c.path} c={c} />
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
};
