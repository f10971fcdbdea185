// The server's promises to hostile callers, one class per test, each with its exact status and code:
// unstorable text, bounded JSON, range-checked positions, commit-before-OK, the one query-token
// route, the endpoint allowlist, headers, and late decisions. Each refusal stores nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Signal } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import {
  approvalDag,
  backends,
  type Call,
  openEvents,
  quickDag,
  removeTempDirs,
  startTestServer,
  type TestServer,
  tempDir,
  tok,
  waitFor,
  waitForRunEnd,
  waitForSignal,
} from './helpers.ts';

afterAll(removeTempDirs);

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field.
const expectRefusal = (r: { status: number; body: any }, status: number, code: string, path?: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
  if (path !== undefined) expect(r.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
  return r.body.error;
};

/** JSON text of `depth` nested arrays (built as text: JSON.stringify itself overflows on it). */
const nested = (depth: number): string => `${'['.repeat(depth)}"leaf"${']'.repeat(depth)}`;

const foreignLadder = [
  { name: 'evil', provider: 'openai', model: 'gpt', baseUrl: 'http://169.254.169.254/v1' },
];

describe.each(backends)('trust on %s', (backend) => {
  let srv: TestServer;
  let call: Call;
  let finishedRun: string;
  const counts = async () => {
    const [r] = await srv.server.store.db.query<Record<string, number>>(
      `select (select count(*)::int from dags) as dags, (select count(*)::int from runs) as runs,
              (select count(*)::int from signals) as signals, (select count(*)::int from approvals) as approvals`,
    );
    return r;
  };
  /** `request` is refused as expected and leaves every table as it was. */
  const refusedAndNothingStored = async (
    request: () => ReturnType<Call>,
    status: number,
    code: string,
    path?: string,
  ) => {
    const before = await counts();
    const error = expectRefusal(await request(), status, code, path);
    expect(await counts()).toEqual(before);
    return error;
  };

  beforeAll(async () => {
    srv = await startTestServer(backend, `trust_${backend}`);
    call = srv.call;
    expect((await call('POST', '/api/dags', { body: approvalDag('flow') })).status).toBe(201);
    const r = await call('POST', '/api/runs', { body: { dag: quickDag('quick') } });
    finishedRun = r.body.runId;
    await waitForRunEnd(call, finishedRun);
  });
  afterAll(() => srv?.close());

  it('takes a body only as JSON that says so: 415 for text, a form or no type, and nothing stored', async () => {
    const raw = JSON.stringify({ dagId: 'flow' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined])
      await refusedAndNothingStored(
        async () => {
          const res = await fetch(`${srv.url}/api/runs`, {
            method: 'POST',
            headers: { authorization: `Bearer ${tok.admin}`, ...(type && { 'content-type': type }) },
            body: raw,
          });
          return { status: res.status, body: await res.json(), headers: res.headers };
        },
        415,
        'unsupported_media_type',
      );
    const ok = await call('POST', '/api/runs', {
      raw,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(ok.status).toBe(201);
    // A request without a body needs no type.
    const cancel = await fetch(`${srv.url}/api/runs/${ok.body.runId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok.admin}` },
    });
    expect(cancel.status).toBe(202);
  });

  it('refuses text the store cannot hold in path, query and body fields, naming the field', async () => {
    const e = await refusedAndNothingStored(
      () => call('GET', '/api/dags/a%00b'),
      400,
      'invalid_request',
      'id',
    );
    expect(e.issues[0].code).toBe('unstorable_text');
    // A "__proto__" key would be dropped by any copy into an object: refused, not silently lost.
    const proto = await refusedAndNothingStored(
      () =>
        call('POST', '/api/runs', {
          body: JSON.parse('{"dagId":"flow","inputs":{"__proto__":{"polluted":1}}}'),
        }),
      400,
      'invalid_request',
      'inputs.__proto__',
    );
    expect(proto.issues[0].code).toBe('reserved_key');
    await refusedAndNothingStored(() => call('DELETE', '/api/dags/%00'), 400, 'invalid_request', 'id');
    await refusedAndNothingStored(
      () => call('POST', `/api/runs/${finishedRun}/approvals/x%00`, { body: { decision: 'approved' } }),
      400,
      'invalid_request',
      'approvalId',
    );
    const badCursor = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000000Z', 'a\u0000'])).toString(
      'base64url',
    );
    await refusedAndNothingStored(
      () => call('GET', `/api/runs?cursor=${badCursor}`),
      400,
      'invalid_request',
      'cursor',
    );
    await refusedAndNothingStored(
      () => call('GET', '/api/runs?cursor=%00'),
      400,
      'invalid_request',
      'cursor',
    );
    const label = { ...approvalDag('lbl'), nodes: [{ id: 'a', kind: 'llm', prompt: 'p', label: 'x\ud800' }] };
    await refusedAndNothingStored(
      () => call('POST', '/api/dags', { raw: JSON.stringify(label) }),
      400,
      'invalid_request',
      'nodes.0.label',
    );
    await refusedAndNothingStored(
      () => call('POST', '/api/runs', { raw: '{"dagId":"flow","inputs":{"topic":{"q":["a\\u0000"]}}}' }),
      400,
      'invalid_request',
      'inputs.topic.q.0',
    );
    await refusedAndNothingStored(
      () => call('POST', '/api/runs', { raw: '{"dagId":"flow","inputs":{"\\udc00":1}}' }),
      400,
      'invalid_request',
      'inputs.\udc00',
    );
  });

  it('bounds JSON nesting in every body with a 400 naming the limit', async () => {
    for (const [path, raw] of [
      ['/api/runs', `{"dagId":"flow","inputs":{"deep":${nested(100_000)}}}`],
      ['/api/dags', `{"id":"deep","nodes":[{"id":"a","kind":"transform","mapping":${nested(5000)}}]}`],
      [`/api/runs/${finishedRun}/cancel`, `{"reason":${nested(70)}}`],
    ] as const) {
      const e = await refusedAndNothingStored(() => call('POST', path, { raw }), 400, 'invalid_request');
      expect(e.issues[0]).toMatchObject({ code: 'too_deep', message: 'nested deeper than 64 levels' });
    }
  });

  it('range-checks resume positions, limits and cursors before SQL', async () => {
    await refusedAndNothingStored(
      () => call('GET', `/api/runs/${finishedRun}/signals?after=99999999999`),
      400,
      'invalid_request',
      'after',
    );
    await refusedAndNothingStored(
      () => call('GET', `/api/runs/${finishedRun}/signals?limit=-1`),
      400,
      'invalid_request',
      'limit',
    );
    // However a count is wrong (empty, repeated, a fraction, a word), the message states the rule.
    for (const q of ['limit=', 'limit=1&limit=2', 'limit=2.5', 'limit=ten', 'limit=1e9'])
      expect(
        (await refusedAndNothingStored(() => call('GET', `/api/runs?${q}`), 400, 'invalid_request', 'limit'))
          .issues[0].message,
        q,
      ).toBe('must be a whole number from 1 to 500');
    const version = await refusedAndNothingStored(
      () => call('GET', '/api/dags/flow/versions/99999999999999999999'),
      400,
      'invalid_request',
      'version',
    );
    expect(version.issues).toHaveLength(1);
    expect(version.issues[0].message).toBe('must be a whole number from 1 to 2147483647');
    for (const id of ['99999999999', '-1', '1e400', 'abc'])
      await refusedAndNothingStored(
        () => call('GET', `/api/runs/${finishedRun}/events`, { headers: { 'last-event-id': id } }),
        400,
        'invalid_request',
        'Last-Event-ID',
      );
    await refusedAndNothingStored(
      () => call('GET', `/api/runs/${finishedRun}/events?after=2147483648`),
      400,
      'invalid_request',
      'after',
    );
    for (const at of [
      '0000-01-01T00:00:00.000000Z',
      '2026-02-31T00:00:00.000000Z',
      '2026-01-01T25:00:00.000000Z',
    ])
      await refusedAndNothingStored(
        () => call('GET', `/api/runs?cursor=${Buffer.from(JSON.stringify([at, 'x'])).toString('base64url')}`),
        400,
        'invalid_request',
        'cursor',
      );
    // The highest position a seq can have passes the range check, and is refused as past the run's end.
    const past = await refusedAndNothingStored(
      () => call('GET', `/api/runs/${finishedRun}/events`, { headers: { 'last-event-id': '2147483647' } }),
      400,
      'invalid_request',
      'Last-Event-ID',
    );
    expect(past.issues[0].code).toBe('past_last_seq');
  });

  it('accepts a query-string token on the event stream only, not on routes named "events"', async () => {
    const events = await openEvents(srv.url, finishedRun, { queryToken: true, token: tok.viewer });
    expect(events.status).toBe(200);
    await events.body?.cancel();
    expect((await call('POST', '/api/dags', { body: quickDag('events') })).status).toBe(201);
    for (const [method, path] of [
      ['GET', '/api/dags/events'],
      ['DELETE', '/api/dags/events'],
      ['POST', `/api/runs/${finishedRun}/approvals/events`],
      ['POST', `/api/runs/${finishedRun}/cancel?x=/events`],
      ['GET', `/api/runs/${finishedRun}/signals`],
      ['GET', '/api/me'],
    ] as const)
      await refusedAndNothingStored(
        () =>
          call(method, `${path}${path.includes('?') ? '&' : '?'}access_token=${tok.admin}`, { token: null }),
        401,
        'unauthorized',
      );
    expect((await call('GET', '/api/dags/events')).status).toBe(200);
  });

  it('refuses a foreign model endpoint from a run body, an inline DAG and a saved DAG', async () => {
    await refusedAndNothingStored(
      () => call('POST', '/api/dags', { body: { ...quickDag('far'), ladder: foreignLadder } }),
      400,
      'invalid_request',
      'ladder.0.baseUrl',
    );
    await refusedAndNothingStored(
      () => call('PUT', '/api/dags/flow', { body: { ...approvalDag('flow'), ladder: foreignLadder } }),
      400,
      'invalid_request',
      'ladder.0.baseUrl',
    );
    await refusedAndNothingStored(
      () => call('POST', '/api/runs', { body: { dag: { ...quickDag('far'), ladder: foreignLadder } } }),
      400,
      'invalid_request',
      'dag.ladder.0.baseUrl',
    );
    await refusedAndNothingStored(
      () => call('POST', '/api/runs', { body: { dagId: 'flow', ladder: foreignLadder } }),
      400,
      'invalid_request',
      'ladder.0.baseUrl',
    );
    // A DAG stored before the rule (written to the store directly) is held to it when run.
    await srv.server.store.saveDag({ ...quickDag('legacy'), ladder: foreignLadder } as never);
    await refusedAndNothingStored(
      () => call('POST', '/api/runs', { body: { dagId: 'legacy' } }),
      400,
      'invalid_request',
      'dag "legacy".ladder.0.baseUrl',
    );
  });

  it('sets no-store on the API, answers unknown API paths with JSON 404', async () => {
    for (const path of ['/api/health', '/api/dags', '/api/nope'])
      expect((await call('GET', path)).headers.get('cache-control')).toBe('no-store');
    const unknown = await call('GET', '/api/nope/deeper');
    expectRefusal(unknown, 404, 'not_found');
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    expect(unknown.headers.get('x-content-type-options')).toBe('nosniff');
    expectRefusal(await call('GET', '/api/nope', { token: null }), 401, 'unauthorized');
  });

  it('answers a decision between a cancel and the run leaving memory with 409 late', async () => {
    const { body } = await call('POST', '/api/runs', { body: { dagId: 'flow' } });
    const waiting = await waitForSignal(
      call,
      body.runId,
      (s) => s.type === 'node.awaiting_approval',
      'approval',
    );
    const approvalId = (waiting as Extract<Signal, { type: 'node.awaiting_approval' }>).approvalId;
    // Cancelled, but the run has not left memory yet (its end is still being committed).
    const handle = srv.server.runs.live(body.runId);
    handle?.cancel('test');
    expect(srv.server.runs.live(body.runId)).toBe(handle);
    expectRefusal(
      await call('POST', `/api/runs/${body.runId}/approvals/${approvalId}`, {
        body: { decision: 'approved' },
        token: tok.approver,
      }),
      409,
      'late',
    );
    // After the run has left memory too.
    await waitForRunEnd(call, body.runId);
    expectRefusal(
      await call('POST', `/api/runs/${body.runId}/approvals/${approvalId}`, {
        body: { decision: 'rejected' },
      }),
      409,
      'late',
    );
    const inbox = await call('GET', '/api/approvals?status=cancelled');
    expect(inbox.body.approvals.map((a: { id: string }) => a.id)).toContain(approvalId);
  });

  it('answers OK for a decision only once it is committed, and keeps serving when a commit fails', async () => {
    const { body } = await call('POST', '/api/runs', { body: { dagId: 'flow' } });
    const runId = body.runId as string;
    const waiting = await waitForSignal(call, runId, (s) => s.type === 'node.awaiting_approval', 'approval');
    const approvalId = (waiting as Extract<Signal, { type: 'node.awaiting_approval' }>).approvalId;
    // A real storage error inside the run's commit path: the database refuses the decision's row.
    const db = srv.server.store.db;
    await db.query(
      `alter table signals add constraint no_decisions check (type <> 'approval.decided') not valid`,
    );
    try {
      expectRefusal(
        await call('POST', `/api/runs/${runId}/approvals/${approvalId}`, { body: { decision: 'approved' } }),
        503,
        'not_committed',
      );
      expect((await call('GET', '/api/health')).status).toBe(200);
      const stored = await call('GET', `/api/runs/${runId}`);
      expect(stored.body.run.status).toBe('running');
      expect((await call('GET', '/api/approvals')).body.approvals.map((a: { id: string }) => a.id)).toContain(
        approvalId,
      );
    } finally {
      await db.query('alter table signals drop constraint no_decisions');
    }
    // Once the store commits again the run continues from its committed signals and can be decided.
    const pending = await waitFor(async () => {
      const r = await call('GET', '/api/approvals');
      const mine = r.body.approvals.filter((a: { runId: string }) => a.runId === runId);
      if (mine.length === 0) return undefined;
      const ok = await call('POST', `/api/runs/${runId}/approvals/${mine[0].id}`, {
        body: { decision: 'approved' },
      });
      return ok.status === 200 ? ok : undefined;
    }, 'the resumed run to take a decision');
    expect(pending.body.ok).toBe(true);
    expect((await waitForRunEnd(call, runId)).run.status).toBe('succeeded');
  });
});

describe('dashboard headers', () => {
  it('serves the dashboard with a strict content policy, and never the app shell under /api', async () => {
    const dist = tempDir('dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
    const srv = await startTestServer('pglite', 'headers');
    try {
      const { mountSite } = await import('../src/site.ts');
      const app = createApp({
        store: srv.server.store,
        runs: srv.server.runs,
        auth: {
          authenticate: (t: string | undefined) => (t === 'x' ? { name: 'x', role: 'viewer' } : undefined),
        } as never,
        ladder: [],
        corsOrigins: [],
        maxBodyBytes: 1000,
        version: 'test',
        site: mountSite(dist),
      });
      for (const path of ['/', '/some/client/route']) {
        const page = await app.request(path);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<title>app</title>');
        const csp = page.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
        expect(page.headers.get('x-content-type-options')).toBe('nosniff');
        expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      }
      for (const path of ['/api', '/api/unknown']) {
        const r = await app.request(path, { headers: { authorization: 'Bearer x' } });
        expect(r.status).toBe(404);
        expect(await r.json()).toMatchObject({ error: { code: 'not_found' } });
      }
    } finally {
      await srv.close();
    }
  });
});
