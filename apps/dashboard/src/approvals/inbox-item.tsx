import type { ApprovalRecord } from '@laneflow/core';
import { HttpError, type RunTransport } from '@laneflow/sdk';
import { useDecide } from '@laneflow/sdk/react';
import { memo, useState } from 'react';
import { findDecided, outcomeText } from '../run/decision-outcome.tsx';
import { useMayNotDecide } from '../run/use-may-not-decide.ts';
import { formatDateTime } from '../ui/format.ts';
import { OutputText } from '../ui/output-text.tsx';
import { ApprovalPlace } from './approval-place.tsx';

/**
 * One pending approval: the DAG and node it waits in and for how long, what it asks, what it carries;
 * approve or reject with a comment. A decision that lost a race says who decided first, and when.
 */
export const InboxItem = memo(
  ({
    approval,
    mode,
    transport,
  }: {
    approval: ApprovalRecord;
    mode: 'local' | 'remote';
    transport: RunTransport;
  }) => {
    const decide = useDecide(transport);
    const [outcome, setOutcome] = useState<string>();
    const mayNot = useMayNotDecide(transport);
    const [comment, setComment] = useState('');
    const send = (decision: 'approved' | 'rejected') =>
      decide.mutate(
        {
          runId: approval.runId,
          approvalId: approval.id,
          decision: { decision, ...(comment && { comment }) },
        },
        {
          async onError(err) {
            const rec =
              err instanceof HttpError && err.status === 409
                ? await findDecided(transport, approval.id)
                : undefined;
            if (rec) setOutcome(`Your decision was not recorded. ${outcomeText(rec)}`);
          },
        },
      );
    return (
      <li
        className="lf-card"
        data-testid={`approval-${approval.id}`}
        aria-label={`Approval for ${approval.nodeId}`}
      >
        <ApprovalPlace approval={approval} mode={mode} transport={transport} />
        {approval.expiresAt && <div className="lf-muted">expires {formatDateTime(approval.expiresAt)}</div>}
        <p className="lf-text">{approval.prompt}</p>
        {approval.payload !== null && <OutputText value={approval.payload} label="payload" />}
        <div className="lf-row">
          <input
            aria-label="Comment"
            placeholder="Comment (optional)"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            style={{ flex: 1 }}
          />
          <button
            type="button"
            className="primary"
            disabled={decide.isPending || mayNot !== undefined}
            title={mayNot}
            onClick={() => send('approved')}
          >
            Approve
          </button>
          <button
            type="button"
            className="danger"
            disabled={decide.isPending || mayNot !== undefined}
            title={mayNot}
            onClick={() => send('rejected')}
          >
            Reject
          </button>
        </div>
        {mayNot && <p className="lf-muted">{mayNot}</p>}
        {decide.error && (
          <p className="lf-error" role="alert">
            {outcome ?? decide.error.message}
          </p>
        )}
        {decide.isSuccess && (
          <p className="lf-muted" role="status">
            Decision sent.
          </p>
        )}
      </li>
    );
  },
);
InboxItem.displayName = 'InboxItem';
