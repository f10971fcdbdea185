import type { RunStatus } from '@laneflow/core';

/** Run status colours follow the lane palette (DESIGN §7); the text is always shown too. */
export const runStatusColors: Record<RunStatus, string> = {
  pending: '#94a3b8',
  running: '#2563eb',
  succeeded: '#16a34a',
  failed: '#dc2626',
  cancelled: '#475569',
};

export const RunStatusChip = ({ status }: { status: RunStatus }) => (
  <span className="lf-chip" data-status={status} style={{ borderColor: runStatusColors[status] }}>
    <span className="lf-badge-dot" style={{ background: runStatusColors[status] }} />
    {status}
  </span>
);
