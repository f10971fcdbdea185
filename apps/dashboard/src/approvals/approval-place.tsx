import type { ApprovalRecord } from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';
import { useQuery } from '@tanstack/react-query';
import { hrefFor } from '../route.ts';
import { formatMs } from '../ui/format.ts';
import { useNow } from '../ui/use-now.ts';

/**
 * Where an approval waits, in words a person knows: the DAG's name and the node's label (from the
 * run's snapshot, the same query the run view makes), linked to the run, and how long it has waited.
 */
export const ApprovalPlace = ({
  approval,
  mode,
  transport,
}: {
  approval: ApprovalRecord;
  mode: 'local' | 'remote';
  transport: RunTransport;
}) => {
  const snap = useQuery({
    queryKey: ['laneflow-run', mode, approval.runId],
    queryFn: () => transport.getRun(approval.runId),
    staleTime: 60_000,
  });
  const now = useNow(true);
  const dag = snap.data?.dag;
  const node = snap.data?.nodes.find((n) => n.id === approval.nodeId);
  const label = node?.label || dag?.nodes.find((n) => n.id === approval.nodeId)?.label || approval.nodeId;
  return (
    <div className="lf-row">
      <a href={hrefFor({ page: 'run', mode, runId: approval.runId })} title={`run ${approval.runId}`}>
        {dag ? (dag.name ?? dag.id) : 'Run'}
      </a>
      <span aria-hidden="true">›</span>
      <strong data-testid="approval-node">{label}</strong>
      {approval.attempt > 1 && <span className="lf-muted">attempt {approval.attempt}</span>}
      <span className="lf-spacer" />
      <span className="lf-muted" data-testid="approval-waited">
        waiting {formatMs(Math.max(0, now - Date.parse(approval.createdAt)))}
      </span>
    </div>
  );
};
