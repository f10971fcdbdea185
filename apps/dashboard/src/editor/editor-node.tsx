import { describeIssue, type Issue } from '@laneflow/core';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import type { EditorNode } from './doc.ts';
import { useEditor } from './store.ts';

export type EditorFlowNode = Node<
  { spec: EditorNode; issues: Issue[] | undefined; missing?: boolean },
  'editor'
>;

/** Each node kind's colour, on the DOM node and on the zoomed-out canvas. */
export const kindColors: Record<string, string> = {
  llm: '#2563eb',
  approval: '#d97706',
  transform: '#0d9488',
  map: '#7c3aed',
};

export const OTHER_KIND_COLOR = '#64748b';

/** The chip's text: shades of the kind colours with AA contrast (4.5:1) in either theme (styles.css). */
const kindText = (kind: string) => (kind in kindColors ? `var(--kind-${kind})` : 'var(--muted)');
export const INVALID_COLOR = '#dc2626';

/** A node on the editor canvas: kind, label, id, and its validation problems. */
export const EditorNodeView = memo(({ data, selected }: NodeProps<EditorFlowNode>) => {
  const { spec, issues } = data;
  if (data.missing)
    return (
      <div className="lf-node lf-node-missing" data-testid={`missing-node-${spec.label}`}>
        <Handle type="target" position={Position.Left} isConnectable={false} />
        <div className="lf-node-head">
          <span className="lf-node-label">{String(spec.label)}</span>
        </div>
        <div className="lf-node-meta">not a node: select the edge to fix or delete it</div>
        <Handle type="source" position={Position.Right} isConnectable={false} />
      </div>
    );
  const color = kindColors[spec.kind] ?? OTHER_KIND_COLOR;
  return (
    <div
      className={`lf-node${selected ? ' selected' : ''}`}
      style={{ borderColor: issues ? INVALID_COLOR : color }}
      data-testid={`editor-node-${spec.id}`}
      data-invalid={issues ? 'true' : undefined}
      // The node re-renders whenever its issues change, which is whenever the document does.
      title={issues?.map((i) => describeIssue(useEditor.getState().doc, i).text).join('\n')}
    >
      <Handle type="target" position={Position.Left} />
      <div className="lf-node-head">
        <span className="lf-chip lf-kind-chip" style={{ color: kindText(spec.kind), borderColor: color }}>
          {spec.kind}
        </span>
        <span className="lf-node-label">
          {typeof spec.label === 'string' && spec.label ? spec.label : spec.id}
        </span>
      </div>
      <div className="lf-node-meta">
        <span>{spec.id}</span>
        {spec.gate !== undefined && <span>gate</span>}
        {spec.approval !== undefined && <span>approval</span>}
        {issues && (
          <span style={{ color: INVALID_COLOR, fontWeight: 600 }} data-testid="node-issues">
            {issues.length} problem{issues.length > 1 ? 's' : ''}
          </span>
        )}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
});
EditorNodeView.displayName = 'EditorNodeView';
