import type { RemoteTransport } from '@laneflow/sdk';
import { useQuery } from '@tanstack/react-query';
import { hrefFor } from '../route.ts';
import { formatDateTime } from '../ui/format.ts';

/**
 * For admins: the server's webhook subscriptions (set in its environment) and the delivery log,
 * every attempt with the receiver's status or what went wrong.
 */
export const WebhooksPanel = ({ transport }: { transport: RemoteTransport }) => {
  const hooks = useQuery({
    queryKey: ['laneflow-webhooks', transport.baseUrl],
    queryFn: () => transport.webhooks(),
  });
  const log = useQuery({
    queryKey: ['laneflow-webhook-deliveries', transport.baseUrl],
    queryFn: () => transport.webhookDeliveries(),
    refetchInterval: 5000,
  });
  const error = hooks.error ?? log.error;
  return (
    <section aria-label="Webhooks" className="lf-stack">
      <h2 className="lf-subhead" style={{ marginBottom: 0 }}>
        Webhooks
      </h2>
      {error && (
        <p className="lf-error" role="alert">
          {(error as Error).message}
        </p>
      )}
      {hooks.data?.length === 0 && (
        <p className="lf-muted">None configured. An admin sets them in LANEFLOW_WEBHOOKS on the server.</p>
      )}
      {hooks.data && hooks.data.length > 0 && (
        <ul>
          {hooks.data.map((h) => (
            <li key={h.name}>
              <strong>{h.name}</strong> → {h.host} ({h.format}
              {h.signed ? ', signed' : ''}): {h.events.join(', ')}
            </li>
          ))}
        </ul>
      )}
      {log.data && log.data.length > 0 && (
        <table className="lf-table" data-testid="webhook-deliveries">
          <thead>
            <tr>
              <th>When</th>
              <th>Webhook</th>
              <th>Event</th>
              <th>Run</th>
              <th>State</th>
              <th>Attempts</th>
            </tr>
          </thead>
          <tbody>
            {log.data.map((d) => (
              <tr key={d.id}>
                <td>{formatDateTime(d.createdAt)}</td>
                <td>{d.webhook}</td>
                <td>{d.event}</td>
                <td>
                  <a href={hrefFor({ page: 'run', mode: 'remote', runId: d.runId })}>{d.runId.slice(0, 8)}</a>
                </td>
                <td>{d.state}</td>
                <td>{d.attempts.map((a) => a.status ?? a.error ?? '…').join(' → ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};
