import { NodeForm } from '../src/editor/node-form.tsx';
import { useEditor } from '../src/editor/store.ts';

/** The node form of whatever node is selected, keyed by its id as the editor shows it. */
export const SelectedNodeForm = () => {
  const node = useEditor((s) =>
    s.selection?.type === 'node' ? s.doc.nodes.find((n) => n.id === s.selection?.id) : undefined,
  );
  return node ? <NodeForm key={node.id} node={node} issues={undefined} /> : <p>nothing selected</p>;
};
