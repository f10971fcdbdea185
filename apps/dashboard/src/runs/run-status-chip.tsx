import type { RunStatus } from '@laneflow/core';

/** Run status colours follow the lane palette; the text is always shown too. */
export const runStatusColors: Record<RunStatus, string> = {
  pending: '#94a3b8',
  running: '#2563eb',
  succeeded: '#16a34a',
  failed: '#dc2626',
  cancelled: '#475569',
};

/** Awaiting approval is the lane's amber: a run that is running but blocked on a person. */
const awaitingColor = '#d97706';

export const RunStatusChip = ({ status, awaiting = false }: { status: RunStatus; awaiting?: boolean }) => {
  const shown = awaiting && status === 'running';
  const color = shown ? awaitingColor : runStatusColors[status];
  return (
    <span
      className="lf-chip"
      data-status={shown ? 'awaiting_approval' : status}
      style={{ borderColor: color }}
    >
      <span className="lf-badge-dot" style={{ background: color }} />
      {shown ? 'awaiting approval' : status}
    </span>
  );
};
