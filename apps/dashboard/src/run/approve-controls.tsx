import type { PendingApproval } from '@laneflow/core';
import { HttpError } from '@laneflow/sdk';
import { useState } from 'react';
import { findDecided, outcomeText, useLostDecisions } from './decision-outcome.tsx';
import { useRunContext } from './run-context.ts';
import { useMayNotDecide } from './use-may-not-decide.ts';

/**
 * Approve / Reject with an optional comment, on the node and in the inspector. Plain buttons, so
 * Tab + Enter work. A decision that lost a race says who decided first, what and when, where the
 * controls were; a role that may not decide sees why the buttons are off.
 */
export const ApproveControls = ({ approval, compact }: { approval: PendingApproval; compact?: boolean }) => {
  const { transport, runId, readOnly } = useRunContext();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const mayNot = useMayNotDecide(transport);
  if (readOnly) return null;
  const decide = async (decision: 'approved' | 'rejected') => {
    setBusy(true);
    setError(undefined);
    try {
      await transport.decide(runId, approval.approvalId, { decision, ...(comment && { comment }) });
    } catch (err) {
      const rec =
        err instanceof HttpError && err.status === 409
          ? await findDecided(transport, approval.approvalId)
          : undefined;
      if (rec) useLostDecisions.setState({ [approval.approvalId]: outcomeText(rec) });
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    // Clicks here must not select or drag the node underneath.
    // biome-ignore lint/a11y/noStaticElementInteractions: only stops clicks and keys from reaching the canvas below
    <div
      className="lf-node-approve nodrag nopan"
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
    >
      {!compact && <div>{approval.prompt}</div>}
      <input
        aria-label="Comment"
        placeholder="Comment (optional)"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy || mayNot !== undefined}
          title={mayNot}
          onClick={() => decide('approved')}
        >
          Approve
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy || mayNot !== undefined}
          title={mayNot}
          onClick={() => decide('rejected')}
        >
          Reject
        </button>
      </div>
      {mayNot && <div className="lf-muted">{mayNot}</div>}
      {error && (
        <div className="lf-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
};
