import type { RunTransport } from '@laneflow/sdk';
import { useApprovalInbox } from '@laneflow/sdk/react';
import { InboxItem } from './inbox-item.tsx';

/** Pending approvals of one transport (this browser, or the server), oldest first. */
export const InboxSection = ({
  title,
  mode,
  transport,
}: {
  title: string;
  mode: 'local' | 'remote';
  transport: RunTransport;
}) => {
  const q = useApprovalInbox(transport);
  const items = [...(q.data ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return (
    <section aria-label={title} data-testid={`inbox-${mode}`}>
      <h2 className="lf-subhead">
        {title} <span className="lf-muted">({items.length} pending)</span>
      </h2>
      {q.error ? (
        <p className="lf-error" role="alert">
          {(q.error as Error).message}
        </p>
      ) : q.isPending ? (
        <p className="lf-muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="lf-muted">Nothing waiting for a decision.</p>
      ) : (
        <ul className="lf-cards">
          {items.map((a) => (
            <InboxItem key={`${a.runId}/${a.id}`} approval={a} mode={mode} transport={transport} />
          ))}
        </ul>
      )}
    </section>
  );
};
