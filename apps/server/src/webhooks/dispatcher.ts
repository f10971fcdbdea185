import { randomUUID } from 'node:crypto';
import type { Signal, WebhookDelivery } from '@laneflow/core';
import type { Webhook } from './config.ts';
import { eventsOf } from './events.ts';
import { payloadOf, type RunRef } from './payload.ts';
import { signature } from './sign.ts';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; it doubles each time, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 6, baseMs: 1000, maxMs: 60_000 };

/** A receiver's answer worth trying again later: it is busy or broken, not refusing. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Delivers the webhook events of committed signal batches to the configured subscriptions: a JSON
 * POST (HMAC-SHA256 signed when the subscription has a secret), retried with exponential backoff on
 * network errors, timeouts, 408, 429 and 5xx. Redirects are not followed, so a delivery reaches the
 * configured URL or nothing. The last `logSize` deliveries are kept for admins to read.
 */
export const createWebhookDispatcher = (o: {
  webhooks: Webhook[];
  runRef: (runId: string) => Promise<RunRef | undefined>;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
  timeoutMs?: number;
  logSize?: number;
}) => {
  const send = o.fetch ?? fetch;
  const retry = o.retry ?? defaultRetry;
  const logSize = o.logSize ?? 500;
  const log: WebhookDelivery[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;

  const attempt = async (d: WebhookDelivery, hook: Webhook, body: string) => {
    if (stopped) return;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'laneflow-webhooks',
      'x-laneflow-event': d.event,
      'x-laneflow-delivery': d.id,
    };
    if (hook.secret)
      headers['x-laneflow-signature'] = signature(hook.secret, body, Math.floor(Date.now() / 1000));
    const tried: WebhookDelivery['attempts'][number] = { at: new Date().toISOString() };
    d.attempts.push(tried);
    let again = false;
    try {
      const res = await send(hook.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      await res.body?.cancel().catch(() => {});
      tried.status = res.status;
      if (res.ok) d.state = 'delivered';
      else again = retryable(res.status);
    } catch (err) {
      tried.error = (err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message;
      again = true;
    }
    if (d.state === 'delivered') return;
    if (!again || d.attempts.length >= retry.attempts || stopped) {
      d.state = 'failed';
      return;
    }
    const wait = Math.min(retry.maxMs, retry.baseMs * 2 ** (d.attempts.length - 1));
    const timer = setTimeout(() => {
      timers.delete(timer);
      void attempt(d, hook, body);
    }, wait);
    timer.unref?.();
    timers.add(timer);
  };

  const enqueue = (hook: Webhook, e: ReturnType<typeof eventsOf>[number], run: RunRef) => {
    const d: WebhookDelivery = {
      id: randomUUID(),
      webhook: hook.name,
      event: e.event,
      runId: e.runId,
      createdAt: new Date().toISOString(),
      state: 'retrying',
      attempts: [],
    };
    log.push(d);
    if (log.length > logSize) log.splice(0, log.length - logSize);
    void attempt(d, hook, JSON.stringify(payloadOf(hook, d.id, e, run)));
  };

  return {
    /** Call once a batch of `runId`'s signals is committed; it never throws and never waits. */
    onCommitted(runId: string, batch: readonly Signal[]): void {
      if (stopped || o.webhooks.length === 0) return;
      const events = eventsOf(batch).filter((e) => o.webhooks.some((h) => h.events.includes(e.event)));
      if (events.length === 0) return;
      void o
        .runRef(runId)
        .catch(() => undefined)
        .then((ref) => {
          const run = ref ?? { id: runId, dagId: null, dagName: null };
          for (const e of events)
            for (const hook of o.webhooks) if (hook.events.includes(e.event)) enqueue(hook, e, run);
        });
    },
    /** The delivery log, newest first. */
    deliveries: (): WebhookDelivery[] => [...log].reverse(),
    webhooks: (): readonly Webhook[] => o.webhooks,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
};

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
