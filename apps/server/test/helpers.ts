/** Shared pieces of the server suites: backends, a real server on a free port, an HTTP client, SSE. */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultLadder, type Signal } from '@laneflow/core';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { startServer } from '../src/server.ts';

export type Backend = 'pglite' | 'postgres';
export const backends: Backend[] = ['pglite', 'postgres'];

/** LANEFLOW_TOKENS-style principals, one per role. */
export const tok = {
  viewer: 'tok1-viewer-5c1e0a94d2b7',
  approver: 'tok2-approver-8f3d61a0c4e9',
  operator: 'tok3-operator-27b9e4f10d6a',
  admin: 'tok4-admin-e0a3c7d95b182f',
} as const;
export const tokensEnv = `alice:viewer:${tok.viewer},bob:approver:${tok.approver},ops:operator:${tok.operator},root:admin:${tok.admin}`;

const temps: string[] = [];
export const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), `laneflow-${prefix}-`));
  temps.push(d);
  return d;
};
export const removeTempDirs = () => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
};

/** A fresh database in the suite's PostgreSQL cluster (see global-setup.ts). */
export const createDatabase = async (prefix: string): Promise<string> => {
  const admin = inject('pgAdminUrl');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * Where a backend keeps its data: a PGlite data directory of its own (a copy of the suite's pristine
 * template, see global-setup.ts) or a PostgreSQL database of its own.
 */
export const storageFor = async (
  backend: Backend,
  prefix: string,
): Promise<{ dataDir: string; databaseUrl?: string }> => {
  if (backend === 'postgres') return { dataDir: tempDir(prefix), databaseUrl: await createDatabase(prefix) };
  const dataDir = join(tempDir(prefix), 'data');
  cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
  return { dataDir };
};

export type Call = (
  method: string,
  path: string,
  opts?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> },
  // biome-ignore lint/suspicious/noExplicitAny: a JSON response body, checked by each test.
) => Promise<{ status: number; body: any; headers: Headers }>;

/** A tiny JSON client; the token defaults to the admin's, `null` sends none. */
export const client =
  (base: string, defaultToken: string = tok.admin): Call =>
  async (method, path, opts = {}) => {
    const token = opts.token === undefined ? defaultToken : opts.token;
    const hasBody = opts.raw !== undefined || opts.body !== undefined;
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(token !== null && { authorization: `Bearer ${token}` }),
        ...(hasBody && { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      ...(hasBody && { body: opts.raw ?? JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, headers: res.headers };
  };

export interface TestServer {
  url: string;
  backend: Backend;
  call: Call;
  server: Awaited<ReturnType<typeof startServer>>;
  close(): Promise<void>;
}

/** The real server (startServer) on 127.0.0.1, a free port, and its own storage. */
export const startTestServer = async (
  backend: Backend,
  prefix: string,
  opts: { heartbeatMs?: number; maxBodyBytes?: number; loadExamples?: boolean } = {},
): Promise<TestServer> => {
  const storage = await storageFor(backend, prefix);
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    ...storage,
    ladder: defaultLadder,
    corsOrigins: [],
    maxBodyBytes: opts.maxBodyBytes ?? 1_048_576,
    tokensEnv,
    loadExamples: opts.loadExamples ?? false,
    ...(opts.heartbeatMs !== undefined && { heartbeatMs: opts.heartbeatMs }),
  });
  let closed = false;
  return {
    url: server.url,
    backend,
    call: client(server.url),
    server,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
};

// ---- polling ------------------------------------------------------------------------------------

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns something other than undefined/false. */
export const waitFor = async <T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
};

/** Every committed signal of a run through `GET /signals?after=`, paging with `limit`. */
export const allSignals = async (call: Call, runId: string, limit = 1000): Promise<Signal[]> => {
  const out: Signal[] = [];
  for (;;) {
    const r = await call(
      'GET',
      `/api/runs/${runId}/signals?after=${out.length ? (out.at(-1) as Signal).seq : 0}&limit=${limit}`,
    );
    expect(r.status).toBe(200);
    out.push(...(r.body.signals as Signal[]));
    if (r.body.signals.length < limit) return out;
  }
};

export const terminalStatuses = ['succeeded', 'failed', 'cancelled'];

/** Waits until the run's stored status is terminal; returns the snapshot. */
export const waitForRunEnd = (call: Call, runId: string, timeoutMs = 45_000) =>
  waitFor(
    async () => {
      const r = await call('GET', `/api/runs/${runId}`);
      return terminalStatuses.includes(r.body?.run?.status) ? r.body : undefined;
    },
    `run ${runId} to end`,
    timeoutMs,
  );

/** Waits until a signal matching `pred` is committed; returns it. */
export const waitForSignal = (call: Call, runId: string, pred: (s: Signal) => boolean, what: string) =>
  waitFor(async () => (await allSignals(call, runId)).find(pred), what);

export const expectGapFree = (signals: readonly Signal[]) => {
  expect(signals.length).toBeGreaterThan(0);
  expect(signals.map((s) => s.seq)).toEqual(signals.map((_, i) => i + 1));
};

// ---- SSE ----------------------------------------------------------------------------------------

export type SseItem =
  | { kind: 'event'; event: string; id?: string; data: string }
  | { kind: 'comment'; text: string };

/** A small `text/event-stream` parser (WHATWG rules: line endings, comments, `field: value`). */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseItem> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buffer);
        // A lone \r at the end might be the first half of \r\n: wait for more.
        if (!m || (m[0] === '\r' && m.index === buffer.length - 1)) break;
        const line = buffer.slice(0, m.index);
        buffer = buffer.slice(m.index + m[0].length);
        if (line === '') {
          if (data.length > 0 || event !== '')
            yield {
              kind: 'event',
              event: event || 'message',
              ...(id !== undefined && { id }),
              data: data.join('\n'),
            };
          data = [];
          event = '';
          id = undefined;
          continue;
        }
        if (line.startsWith(':')) {
          yield { kind: 'comment', text: line.slice(1).trim() };
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id') id = value;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** Opens `GET /api/runs/:id/events`; returns the response (check its status) and its items. */
export const openEvents = async (
  base: string,
  runId: string,
  opts: {
    token?: string;
    lastEventId?: number;
    after?: number;
    signal?: AbortSignal;
    queryToken?: boolean;
  } = {},
) => {
  const qs = new URLSearchParams();
  if (opts.after !== undefined) qs.set('after', String(opts.after));
  if (opts.queryToken) qs.set('access_token', opts.token ?? tok.admin);
  const res = await fetch(`${base}/api/runs/${runId}/events${qs.size ? `?${qs}` : ''}`, {
    headers: {
      accept: 'text/event-stream',
      ...(!opts.queryToken && { authorization: `Bearer ${opts.token ?? tok.admin}` }),
      ...(opts.lastEventId !== undefined && { 'last-event-id': String(opts.lastEventId) }),
    },
    ...(opts.signal && { signal: opts.signal }),
  });
  return res;
};

// ---- DAG builders -------------------------------------------------------------------------------

export const llm = (id: string, sim: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'llm',
  prompt: `work on ${id}`,
  sim: { answer: `${id} done`, ...sim },
  ...extra,
});

export const approvalNode = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'approval',
  prompt: `May ${id} pass?`,
  ...extra,
});

export const edge = (source: string, target: string) => ({ source, target });

/** a → gate (approval) → b: waits for a human in the middle. */
export const approvalDag = (id: string) => ({
  id,
  name: `approval flow ${id}`,
  nodes: [llm('a'), approvalNode('gate'), llm('b')],
  edges: [edge('a', 'gate'), edge('gate', 'b')],
});

/** Independent quick nodes only: ends by itself in a few ms. */
export const quickDag = (id: string, n = 2) => ({
  id,
  nodes: Array.from({ length: n }, (_, i) => llm(`n${i}`)),
  edges: [],
});
