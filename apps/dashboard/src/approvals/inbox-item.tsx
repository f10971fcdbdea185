import type { ApprovalRecord } from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';
import { useDecide } from '@laneflow/sdk/react';
import { memo, useState } from 'react';
import { hrefFor } from '../route.ts';
import { formatDateTime } from '../ui/format.ts';
import { OutputText } from '../ui/output-text.tsx';

/** One pending approval: where it is, what it asks, what it carries; approve or reject with a comment. */
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
    const [comment, setComment] = useState('');
    const send = (decision: 'approved' | 'rejected') =>
      decide.mutate({
        runId: approval.runId,
        approvalId: approval.id,
        decision: { decision, ...(comment && { comment }) },
      });
    return (
      <li
        className="lf-card"
        data-testid={`approval-${approval.id}`}
        aria-label={`Approval for ${approval.nodeId}`}
      >
        <div className="lf-row">
          <strong>{approval.nodeId}</strong>
          {approval.attempt > 1 && <span className="lf-muted">attempt {approval.attempt}</span>}
          <span className="lf-muted">in run</span>
          <a href={hrefFor({ page: 'run', mode, runId: approval.runId })}>{approval.runId}</a>
          <span className="lf-spacer" />
          <span className="lf-muted">
            since {formatDateTime(approval.createdAt)}
            {approval.expiresAt && ` · expires ${formatDateTime(approval.expiresAt)}`}
          </span>
        </div>
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
            disabled={decide.isPending}
            onClick={() => send('approved')}
          >
            Approve
          </button>
          <button
            type="button"
            className="danger"
            disabled={decide.isPending}
            onClick={() => send('rejected')}
          >
            Reject
          </button>
        </div>
        {decide.error && (
          <p className="lf-error" role="alert">
            {decide.error.message}
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
