import type { RunView, Signal } from '@laneflow/core';

/** Escalation, confidence-gate and approval events of a run. */
export const Timeline = ({ view }: { view: RunView; signals: readonly Signal[] }) => (
  <div className="lf-section" aria-label="Timeline">
    <h3>Timeline</h3>
    <p className="lf-muted">
      {view.escalations.length} escalation · {view.confidence.length} confidence · {view.approvals.length} approval events
    </p>
  </div>
);
