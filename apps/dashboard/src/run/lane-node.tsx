import { laneStyles, shownMs, tierOrKind } from '@laneflow/core';
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { LaneIcon } from '../lanes/lane-icon.tsx';
import { laneText } from '../lanes/lane-text.ts';
import { formatMs } from '../ui/format.ts';
import { useNow } from '../ui/use-now.ts';
import { ApproveControls } from './approve-controls.tsx';
import { DecisionNotice } from './decision-outcome.tsx';
import type { LaneFlowNode } from './graph-model.ts';
import { useLiveText } from './live-output.ts';
import { useRunContext } from './run-context.ts';

const Elapsed = ({ since }: { since: string }) => {
  // A replay shows the past: a wall-clock "running for" would be wrong there.
  const { readOnly } = useRunContext();
  const now = useNow(!readOnly);
  if (readOnly) return null;
  return <span>{formatMs(Math.max(0, now - Date.parse(since)))}</span>;
};

/** The end of what a running node's model has streamed so far, on one line. */
const OutputPreview = ({ nodeId }: { nodeId: string }) => {
  const text = useLiveText(nodeId);
  if (!text) return null;
  return (
    <div
      className="lf-node-meta"
      data-testid="output-preview"
      style={{
        whiteSpace: 'nowrap',
        overflow: 'hidden',
        textOverflow: 'ellipsis',
        direction: 'rtl',
        textAlign: 'left',
      }}
    >
      <bdi>{text.slice(-120)}</bdi>
    </div>
  );
};

/** A node coloured by its lane, with the lane's icon and name, so colour is never the only cue. */
export const LaneNode = memo(({ data, selected }: NodeProps<LaneFlowNode>) => {
  const { node, tierName, kind } = data;
  const style = laneStyles[node.lane];
  return (
    <div
      className={`lf-node${style.dashed ? ' dashed' : ''}${selected ? ' selected' : ''}`}
      style={{ borderColor: style.color, background: `${style.color}14` }}
      data-testid={`node-${node.id}`}
      data-lane={node.lane}
    >
      <Handle type="target" position={Position.Left} />
      <div className="lf-node-head">
        <LaneIcon lane={node.lane} />
        <span className="lf-node-label" title={node.label ?? node.id}>
          {node.label ?? node.id}
        </span>
      </div>
      <div className="lf-node-meta">
        <span style={{ color: laneText(node.lane), fontWeight: 600 }}>{style.label}</span>
        <span>{tierOrKind(kind, tierName)}</span>
        {node.attempt > 1 && <span>#{node.attempt}</span>}
        {node.lane === 'running' && node.startedAt ? <Elapsed since={node.startedAt} /> : null}
        {node.lane !== 'running' && node.elapsedMs !== undefined ? (
          <span>{formatMs(shownMs(kind, node) ?? node.elapsedMs)}</span>
        ) : null}
      </div>
      {node.lane === 'running' && <OutputPreview nodeId={node.id} />}
      {node.pendingApproval && <ApproveControls approval={node.pendingApproval} compact />}
      {node.decision && !node.pendingApproval && (
        <div className="lf-node-meta">
          {node.decision.decision} by {node.decision.by}
        </div>
      )}
      {node.decision && <DecisionNotice approvalId={node.decision.approvalId} />}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});
LaneNode.displayName = 'LaneNode';
