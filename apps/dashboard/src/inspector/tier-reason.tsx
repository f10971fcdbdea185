import { describeTierReason, type Ladder, type TierReason } from '@laneflow/core';

/** Where the start-tier policy started a node and why, in core's words; marked when it explored. */
export const TierReasonText = ({ reason, ladder }: { reason: TierReason; ladder: Ladder }) => (
  <>
    <dt>Start tier</dt>
    <dd>
      <span className="lf-text" data-testid="node-tier-reason">
        {describeTierReason(reason, ladder)}
      </span>
      {reason.explored && (
        <span className="lf-chip" data-testid="node-tier-explored" title="one tier below the best, to learn">
          explored
        </span>
      )}
    </dd>
  </>
);
