import { fromZodIssues, summarizeIssues } from '@laneflow/core';
import { z } from 'zod';

/** What a subscription can be told about. */
export const webhookEvents = [
  'approval.waiting',
  'approval.decided',
  'run.succeeded',
  'run.failed',
  'run.cancelled',
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/**
 * An http(s) URL with no credentials in it: where a webhook may post. Only an admin names one, in
 * the server's environment; nothing a client sends (a DAG, a run) can add or change one.
 */
const WebhookUrlSchema = z.string().refine((raw) => {
  try {
    const u = new URL(raw);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}, 'must be an http(s) URL without credentials');

const EnvNameSchema = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable');

/** One subscription as written in `LANEFLOW_WEBHOOKS`. */
const WebhookEntrySchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -'),
    url: WebhookUrlSchema,
    events: z.array(z.enum(webhookEvents)).min(1),
    /** `json`: laneflow's signed event; `slack`: a Slack incoming-webhook message (`{text}`). */
    format: z.enum(['json', 'slack']).default('json'),
    /** The environment variable holding the HMAC-SHA256 secret (the secret never sits in this JSON). */
    secretEnv: EnvNameSchema.optional(),
  })
  .refine((w) => w.format === 'slack' || w.secretEnv !== undefined, {
    message: 'a json webhook needs secretEnv: its deliveries are signed',
    path: ['secretEnv'],
  });

export interface Webhook {
  name: string;
  url: string;
  events: WebhookEvent[];
  format: 'json' | 'slack';
  secret: string | undefined;
}

/**
 * The subscriptions of `LANEFLOW_WEBHOOKS` (a JSON array), each secret read from the variable its
 * `secretEnv` names. Throws one line naming the variable and the field when anything is off.
 */
export const readWebhooks = (env: NodeJS.ProcessEnv): Webhook[] => {
  const raw = env.LANEFLOW_WEBHOOKS;
  if (!raw) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new Error(`LANEFLOW_WEBHOOKS is not JSON: ${(err as Error).message}`);
  }
  const r = z.array(WebhookEntrySchema).safeParse(json);
  if (!r.success) throw new Error(`LANEFLOW_WEBHOOKS: ${summarizeIssues(fromZodIssues(r.error.issues))}`);
  const names = new Set<string>();
  return r.data.map((w, i) => {
    if (names.has(w.name)) throw new Error(`LANEFLOW_WEBHOOKS: ${i}.name: "${w.name}" is repeated`);
    names.add(w.name);
    const secret = w.secretEnv === undefined ? undefined : env[w.secretEnv];
    if (w.secretEnv !== undefined && !secret)
      throw new Error(`LANEFLOW_WEBHOOKS: ${i}.secretEnv: ${w.secretEnv} is not set`);
    return { name: w.name, url: w.url, events: w.events, format: w.format, secret };
  });
};
