import type { ConnectionState } from '@laneflow/sdk';
import { useNow } from '../ui/use-now.ts';

const colors: Record<ConnectionState, string> = {
  connecting: '#d97706',
  open: '#16a34a',
  reconnecting: '#d97706',
  closed: '#64748b',
};

/** Connection state of the live stream and the age of its last event. */
export const StreamBadge = ({
  state,
  lastEventAt,
  ended,
}: {
  state: ConnectionState;
  lastEventAt?: number;
  ended: boolean;
}) => {
  const now = useNow(state === 'open');
  const age =
    lastEventAt && state === 'open' ? Math.max(0, Math.round((now - lastEventAt) / 1000)) : undefined;
  const label = ended && state === 'closed' ? 'complete' : state;
  return (
    <span className="lf-chip" data-testid="stream-badge" data-state={state} title="Live stream">
      <span
        className="lf-badge-dot"
        style={{ background: ended && state === 'closed' ? '#16a34a' : colors[state] }}
      />
      stream {label}
      {age !== undefined && <span className="lf-muted">· {age}s ago</span>}
    </span>
  );
};
