import { z } from 'zod';

/** One try at delivering a webhook: when, and the receiver's status or what went wrong. */
export const WebhookAttemptSchema = z.object({
  at: z.string(),
  status: z.number().int().optional(),
  error: z.string().optional(),
});

/** A webhook delivery as admins see it in the delivery log. */
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  webhook: z.string(),
  event: z.string(),
  runId: z.string(),
  createdAt: z.string(),
  /** `retrying` until it is delivered (a 2xx) or given up on (`failed`). */
  state: z.enum(['retrying', 'delivered', 'failed']),
  attempts: z.array(WebhookAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryListSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });

/** A configured subscription, without its secret or the path of its URL (which may be one). */
export const WebhookSummarySchema = z.object({
  name: z.string(),
  host: z.string(),
  events: z.array(z.string()),
  format: z.enum(['json', 'slack']),
  signed: z.boolean(),
});
export type WebhookSummary = z.infer<typeof WebhookSummarySchema>;
export const WebhookListSchema = z.object({ webhooks: z.array(WebhookSummarySchema) });
