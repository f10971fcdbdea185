import { WebhookDeliveryListSchema, WebhookListSchema } from '@laneflow/core';
import type { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { route, router } from './route.ts';

const list = route({
  method: 'get',
  path: '/api/webhooks',
  summary: 'The webhook subscriptions (LANEFLOW_WEBHOOKS): name, host, events, format; no secret',
  role: 'admin',
  ok: { status: 200, schema: WebhookListSchema },
});
const deliveries = route({
  method: 'get',
  path: '/api/webhooks/deliveries',
  summary: 'Recent webhook deliveries, newest first, with every attempt and its outcome',
  role: 'admin',
  ok: { status: 200, schema: WebhookDeliveryListSchema },
});

/** Webhooks, for admins: configured in the server's environment only, so these routes only read. */
export const webhookRoutes = (dispatcher: WebhookDispatcher | undefined) => {
  const r = router();
  r.openapi(list, (c) =>
    c.json(
      {
        webhooks: (dispatcher?.webhooks() ?? []).map((h) => ({
          name: h.name,
          host: new URL(h.url).host,
          events: h.events,
          format: h.format,
          signed: h.secret !== undefined,
        })),
      },
      200,
    ),
  );
  r.openapi(deliveries, (c) => c.json({ deliveries: dispatcher?.deliveries() ?? [] }, 200));
  return r;
};
