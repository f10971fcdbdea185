import type { WebhookDelivery } from '@laneflow/core';
import type { RemoteTransport } from '@laneflow/sdk';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhooksPanel } from '../src/connection/webhooks-panel.tsx';

afterEach(cleanup);

const delivery: WebhookDelivery = {
  id: 'd1',
  webhook: 'ops',
  event: 'approval.waiting',
  runId: 'ce867892-4fe2-4ca9-a833-19f58c426433',
  createdAt: '2026-12-03T17:00:00.000Z',
  state: 'delivered',
  attempts: [
    { at: '2026-12-03T17:00:00.000Z', status: 500 },
    { at: '2026-12-03T17:00:01.000Z', error: 'timed out' },
    { at: '2026-12-03T17:00:03.000Z', status: 200 },
  ],
};

const transport = (hooks: Awaited<ReturnType<RemoteTransport['webhooks']>>, log: WebhookDelivery[]) =>
  ({
    baseUrl: 'http://lf.test',
    webhooks: async () => hooks,
    webhookDeliveries: async () => log,
  }) as unknown as RemoteTransport;

const wrap = (t: RemoteTransport) =>
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <WebhooksPanel transport={t} />
    </QueryClientProvider>,
  );

describe('Webhooks panel (admins)', () => {
  it('lists the subscriptions and each delivery with every attempt’s outcome', async () => {
    wrap(
      transport(
        [
          {
            name: 'ops',
            host: 'ops.example',
            events: ['approval.waiting', 'run.failed'],
            format: 'json',
            signed: true,
          },
        ],
        [delivery],
      ),
    );
    expect((await screen.findByText('ops', { selector: 'strong' })).parentElement?.textContent).toBe(
      'ops → ops.example (json, signed): approval.waiting, run.failed',
    );
    const row = within(await screen.findByTestId('webhook-deliveries')).getAllByRole('row')[1] as HTMLElement;
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent)
        .slice(1),
    ).toEqual(['ops', 'approval.waiting', 'ce867892', 'delivered', '500 → timed out → 200']);
    expect(within(row).getByRole('link').getAttribute('href')).toBe(`#/run/remote/${delivery.runId}`);
  });

  it('says where webhooks come from when none are configured', async () => {
    wrap(transport([], []));
    expect(
      (await screen.findByText('None configured. An admin sets them in LANEFLOW_WEBHOOKS on the server.'))
        .tagName,
    ).toBe('P');
    expect(screen.queryByTestId('webhook-deliveries')).toBeNull();
  });
});
