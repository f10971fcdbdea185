import {
  ApprovalListSchema,
  type CreatedToken,
  CreatedTokenSchema,
  type CreateTokenBody,
  DagEconomicsSchema,
  DagListSchema,
  DagRecordSchema,
  DagVersionListSchema,
  DecisionResponseSchema,
  OkSchema,
  PublicLadderSchema,
  type PublicTierSchema,
  RunListSchema,
  RunSnapshotSchema,
  SignalPageSchema,
  StartRunResponseSchema,
  TokenListSchema,
  type TokenSummary,
  type WebhookDelivery,
  WebhookDeliveryListSchema,
  WebhookListSchema,
  type WebhookSummary,
  WhoAmISchema,
} from '@laneflow/core';
import type { z } from 'zod';
import { HttpError } from './errors.ts';
import { type HttpOptions, request } from './http.ts';
import { defaultReconnect, type ReconnectPolicy, watchRemote } from './remote-watch.ts';
import type { RunTransport } from './transport.ts';

export interface RemoteTransportOptions extends HttpOptions {
  reconnect?: Partial<ReconnectPolicy>;
}

export interface RemoteTransport extends RunTransport {
  readonly kind: 'remote';
  readonly baseUrl: string;
  /** Who the token belongs to; rejects with HttpError 401 for a bad token. */
  me(): Promise<z.infer<typeof WhoAmISchema>>;
  /** The server's default ladder: what its runs use unless they bring their own. */
  ladder(): Promise<Array<z.infer<typeof PublicTierSchema>>>;
  /** The server's tokens (admins): name, role, source, creation time — never the token. */
  listTokens(): Promise<TokenSummary[]>;
  /** A new token (admins); the answer is the only time it is shown. */
  createToken(body: CreateTokenBody): Promise<CreatedToken>;
  /** Revokes a token at once (admins). */
  revokeToken(name: string): Promise<void>;
  /** The server's webhook subscriptions (admins): name, host, events, format; never a secret. */
  webhooks(): Promise<WebhookSummary[]>;
  /** Recent webhook deliveries, newest first, each with every attempt (admins). */
  webhookDeliveries(): Promise<WebhookDelivery[]>;
}

const enc = encodeURIComponent;

/** A {@link RunTransport} for a laneflow server: REST for everything, resumable SSE for `watch`. */
export const createRemoteTransport = (options: RemoteTransportOptions): RemoteTransport => {
  const http: HttpOptions = options;
  const policy = { ...defaultReconnect, ...options.reconnect };
  return {
    kind: 'remote',
    baseUrl: options.baseUrl,
    me: () => request(http, 'GET', '/api/me', WhoAmISchema),
    ladder: async () => (await request(http, 'GET', '/api/ladder', PublicLadderSchema)).ladder,
    listTokens: async () => (await request(http, 'GET', '/api/tokens', TokenListSchema)).tokens,
    createToken: (body) => request(http, 'POST', '/api/tokens', CreatedTokenSchema, body),
    async revokeToken(name) {
      await request(http, 'DELETE', `/api/tokens/${enc(name)}`, null);
    },
    webhooks: async () => (await request(http, 'GET', '/api/webhooks', WebhookListSchema)).webhooks,
    webhookDeliveries: async () =>
      (await request(http, 'GET', '/api/webhooks/deliveries', WebhookDeliveryListSchema)).deliveries,
    listDags: async () => (await request(http, 'GET', '/api/dags', DagListSchema)).dags,
    getDag: (id) => request(http, 'GET', `/api/dags/${enc(id)}`, DagRecordSchema),
    async saveDag(spec) {
      try {
        return await request(http, 'PUT', `/api/dags/${enc(spec.id)}`, DagRecordSchema, spec);
      } catch (err) {
        // PUT saves a new version of an existing DAG; a new one is created with POST.
        if (err instanceof HttpError && err.status === 404)
          return request(http, 'POST', '/api/dags', DagRecordSchema, spec);
        throw err;
      }
    },
    async deleteDag(id) {
      await request(http, 'DELETE', `/api/dags/${enc(id)}`, null);
    },
    dagVersions: async (id) =>
      (await request(http, 'GET', `/api/dags/${enc(id)}/versions`, DagVersionListSchema)).versions,
    getDagVersion: (id, version) =>
      request(http, 'GET', `/api/dags/${enc(id)}/versions/${version}`, DagRecordSchema),
    startRun: (input) => request(http, 'POST', '/api/runs', StartRunResponseSchema, input),
    listRuns(q = {}) {
      const params = new URLSearchParams();
      if (q.status) params.set('status', q.status);
      if (q.limit) params.set('limit', String(q.limit));
      if (q.cursor) params.set('cursor', q.cursor);
      const qs = params.toString();
      return request(http, 'GET', `/api/runs${qs ? `?${qs}` : ''}`, RunListSchema);
    },
    getRun: (runId) => request(http, 'GET', `/api/runs/${enc(runId)}`, RunSnapshotSchema),
    signals: async (runId, after = 0, limit = 1000) =>
      (
        await request(
          http,
          'GET',
          `/api/runs/${enc(runId)}/signals?after=${after}&limit=${limit}`,
          SignalPageSchema,
        )
      ).signals,
    async cancelRun(runId, reason) {
      await request(http, 'POST', `/api/runs/${enc(runId)}/cancel`, OkSchema, reason ? { reason } : {});
    },
    watch: (runId, o) => watchRemote(http, runId, o, policy),
    async decide(runId, approvalId, decision) {
      const r = await request(
        http,
        'POST',
        `/api/runs/${enc(runId)}/approvals/${enc(approvalId)}`,
        DecisionResponseSchema,
        decision,
      );
      return { duplicate: r.duplicate };
    },
    economics: (dagId, runs) =>
      request(
        http,
        'GET',
        `/api/dags/${enc(dagId)}/economics${runs === undefined ? '' : `?runs=${runs}`}`,
        DagEconomicsSchema,
      ),
    approvals: async (status = 'pending') =>
      (await request(http, 'GET', `/api/approvals?status=${status}`, ApprovalListSchema)).approvals,
  };
};
