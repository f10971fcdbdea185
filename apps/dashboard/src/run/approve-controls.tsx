import type { PendingApproval } from '@laneflow/core';
import { useState } from 'react';
import { useRunContext } from './run-context.ts';

/**
 * Approve / Reject with an optional comment, on the node and in the inspector. Plain buttons, so
 * Tab + Enter work; the error (e.g. someone else decided first) is shown where the click was.
 */
export const ApproveControls = ({ approval, compact }: { approval: PendingApproval; compact?: boolean }) => {
  const { transport, runId, readOnly } = useRunContext();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (readOnly) return null;
  const decide = async (decision: 'approved' | 'rejected') => {
    setBusy(true);
    setError(undefined);
    try {
      await transport.decide(runId, approval.approvalId, { decision, ...(comment && { comment }) });
    } catch (err) {
      setError((err as Error).message);
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
        <button type="button" className="primary" disabled={busy} onClick={() => decide('approved')}>
          Approve
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => decide('rejected')}>
          Reject
        </button>
      </div>
      {error && (
        <div className="lf-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
};
