import type { DagSpec, RunView, Signal } from '@laneflow/core';
import { laneStyles } from '@laneflow/core';
import { LaneIcon } from '../lanes/lane-icon.tsx';
import { ApproveControls } from '../run/approve-controls.tsx';
import { useSelection } from '../run/selection.ts';
import { formatMs } from '../ui/format.ts';

/** Details of the selected node (or timeline event). Outputs are rendered as text, never HTML. */
export const Inspector = ({ view }: { dag: DagSpec; view: RunView; signals: readonly Signal[] }) => {
  const nodeId = useSelection((s) => s.nodeId);
  const node = nodeId ? view.nodes.get(nodeId) : undefined;
  if (!node) return <p className="lf-muted lf-section">Select a node or an event to inspect it.</p>;
  return (
    <section className="lf-section" aria-label="Inspector" data-testid="inspector">
      <h3>
        <LaneIcon lane={node.lane} /> {node.label ?? node.id}
      </h3>
      <p>
        <strong style={{ color: laneStyles[node.lane].color }}>{laneStyles[node.lane].label}</strong> · attempt {node.attempt} ·{' '}
        {view.ladder[node.tier]?.name ?? `tier ${node.tier}`}
        {node.elapsedMs !== undefined && ` · ${formatMs(node.elapsedMs)}`}
      </p>
      {node.pendingApproval && <ApproveControls approval={node.pendingApproval} />}
      {node.error && <pre className="lf-error">{`${node.error.code}: ${node.error.message}`}</pre>}
      {node.output !== undefined && <pre style={{ whiteSpace: 'pre-wrap' }}>{typeof node.output === 'string' ? node.output : JSON.stringify(node.output, null, 2)}</pre>}
    </section>
  );
};
