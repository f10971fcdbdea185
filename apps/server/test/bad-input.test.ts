// Bad input and refused callers: each gets its status and `{error: {code, message, issues?}}`, and
// none of it leaves anything in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalDag,
  approvalNode,
  backends,
  type Call,
  llm,
  quickDag,
  removeTempDirs,
  startTestServer,
  type TestServer,
  tok,
  waitForRunEnd,
  waitForSignal,
} from './helpers.ts';

afterAll(removeTempDirs);

const MAX_BODY = 64 * 1024;

/** The error shape every refusal shares. */
const expectError = (
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field.
  r: { status: number; body: any },
  status: number,
  code: string,
): { code: string; message: string; issues?: Array<{ path: string; code: string; message: string }> } => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(Object.keys(r.body)).toEqual(['error']);
  expect(r.body.error.code).toBe(code);
  expect(typeof r.body.error.message).toBe('string');
  expect(r.body.error.message.length).toBeGreaterThan(0);
  for (const i of r.body.error.issues ?? [])
    expect(i).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
  return r.body.error;
};

describe.each(backends)('bad input on %s', (backend) => {
  let srv: TestServer;
  let call: Call;
  /** Row counts of every table a request could write. */
  const counts = async () => {
    const [r] = await srv.server.store.db.query<Record<string, number>>(
      `select (select count(*)::int from dags) as dags, (select count(*)::int from runs) as runs,
              (select count(*)::int from signals) as signals, (select count(*)::int from approvals) as approvals,
              (select count(*)::int from tokens) as tokens`,
    );
    return r;
  };
  let before: Record<string, number> | undefined;
  /** A run that waits for approval, for the approval and role checks. */
  let waitingRun: string;
  let approvalId: string;

  beforeAll(async () => {
    srv = await startTestServer(backend, `bad_${backend}`, { maxBodyBytes: MAX_BODY });
    call = srv.call;
    expect((await call('POST', '/api/dags', { body: quickDag('known') })).status).toBe(201);
    const r = await call('POST', '/api/runs', { body: { dag: approvalDag('waits') } });
    waitingRun = r.body.runId;
    const s = await waitForSignal(call, waitingRun, (x) => x.type === 'node.awaiting_approval', 'approval');
    approvalId = (s as { approvalId: string }).approvalId;
  });
  afterAll(async () => {
    if (waitingRun) await call('POST', `/api/runs/${waitingRun}/cancel`);
    await srv?.close();
  });

  /** Each test checks that its refusals stored nothing. */
  const snapshot = async () => {
    before = await counts();
    return async () => expect(await counts()).toEqual(before);
  };

  it('refuses malformed JSON with invalid_json', async () => {
    const unchanged = await snapshot();
    for (const [method, path] of [
      ['POST', '/api/dags'],
      ['PUT', '/api/dags/known'],
      ['POST', '/api/runs'],
      ['POST', `/api/runs/${waitingRun}/approvals/${encodeURIComponent(approvalId)}`],
      ['POST', `/api/runs/${waitingRun}/cancel`],
    ] as const) {
      const e = expectError(await call(method, path, { raw: '{"id": "x", ' }), 400, 'invalid_json');
      expect(e.message).toMatch(/JSON/);
    }
    // Valid JSON of the wrong shape is a validation error instead.
    expectError(await call('POST', '/api/runs', { body: [1, 2] }), 400, 'invalid_request');
    await unchanged();
  });

  it('refuses a cyclic DAG with a cycle issue', async () => {
    const unchanged = await snapshot();
    const cyclic = {
      id: 'cyclic',
      nodes: [llm('a'), llm('b'), llm('c')],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'c', target: 'a' },
      ],
    };
    for (const r of [
      await call('POST', '/api/dags', { body: cyclic }),
      await call('PUT', '/api/dags/cyclic', { body: cyclic }),
      await call('POST', '/api/runs', { body: { dag: cyclic } }),
    ]) {
      const e = expectError(r, 400, 'invalid_dag');
      expect(e.issues).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'cycle', path: 'edges' })]),
      );
    }
    expect((await call('GET', '/api/dags/cyclic')).status).toBe(404);
    await unchanged();
  });

  it('refuses an unknown node kind with the path of the kind', async () => {
    const unchanged = await snapshot();
    const dag = { id: 'odd', nodes: [llm('a'), { id: 'b', kind: 'python', code: 'import os' }], edges: [] };
    for (const r of [
      await call('POST', '/api/dags', { body: dag }),
      await call('POST', '/api/runs', { body: { dag } }),
    ]) {
      const e = expectError(r, 400, 'invalid_dag');
      expect(e.issues?.map((i) => i.path)).toContain('nodes.1.kind');
    }
    // Other DAG problems report their paths too.
    const e = expectError(
      await call('POST', '/api/dags', {
        body: { id: 'bad', nodes: [llm('a'), llm('a')], edges: [{ source: 'a', target: 'ghost' }] },
      }),
      400,
      'invalid_dag',
    );
    expect(e.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['nodes.1.id', 'edges.0.target']));
    await unchanged();
  });

  it('refuses an oversized body with 413 too_large, with or without a Content-Length', async () => {
    const unchanged = await snapshot();
    const big = { ...quickDag('big'), description: 'x'.repeat(MAX_BODY) };
    expectError(await call('POST', '/api/dags', { body: big }), 413, 'too_large');
    expectError(await call('POST', '/api/runs', { body: { dag: big } }), 413, 'too_large');
    // Streamed (chunked) without a length: the limit still holds.
    const chunk = new TextEncoder().encode(JSON.stringify(big));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < chunk.length; i += 8192) c.enqueue(chunk.slice(i, i + 8192));
        c.close();
      },
    });
    const res = await fetch(`${srv.url}/api/dags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok.admin}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectError({ status: res.status, body: await res.json() }, 413, 'too_large');
    expect((await call('GET', '/api/dags/big')).status).toBe(404);
    await unchanged();
  });

  it('answers 404 for unknown runs, DAGs, approvals and routes', async () => {
    const unchanged = await snapshot();
    for (const [method, path, body] of [
      ['GET', '/api/runs/no-such-run', undefined],
      ['GET', '/api/runs/no-such-run/signals', undefined],
      ['GET', '/api/runs/no-such-run/events', undefined],
      ['POST', '/api/runs/no-such-run/cancel', undefined],
      ['POST', '/api/runs/no-such-run/approvals/x', { decision: 'approved' }],
      ['GET', '/api/dags/no-such-dag', undefined],
      ['DELETE', '/api/dags/no-such-dag', undefined],
      ['POST', '/api/runs', { dagId: 'no-such-dag' }],
      ['GET', '/api/no-such-route', undefined],
    ] as const)
      expectError(await call(method, path, { body }), 404, 'not_found');
    await unchanged();
  });

  it('answers 404 when approving something that is not waiting, and 409 for a second opinion', async () => {
    const other = (await call('POST', '/api/runs', { body: { dagId: 'known' } })).body.runId as string;
    await waitForRunEnd(call, other);
    const unchanged = await snapshot();
    const decide = (run: string, id: string, decision = 'approved', token: string = tok.approver) =>
      call('POST', `/api/runs/${run}/approvals/${encodeURIComponent(id)}`, { body: { decision }, token });
    // Unknown approval ids, including one shaped like a real one for a node that is not waiting.
    expectError(await decide(waitingRun, 'nope'), 404, 'not_found');
    expectError(await decide(waitingRun, `${waitingRun}:b:1:zzz`), 404, 'not_found');
    // A real approval, but under another run.
    expectError(await decide(other, approvalId), 404, 'not_found');
    // Not a decision at all.
    expectError(
      await call('POST', `/api/runs/${waitingRun}/approvals/${encodeURIComponent(approvalId)}`, {
        body: { decision: 'maybe' },
        token: tok.approver,
      }),
      400,
      'invalid_request',
    );
    expectError(
      await call('POST', `/api/runs/${waitingRun}/approvals/${encodeURIComponent(approvalId)}`, {
        body: { decision: 'approved', extra: 1 },
        token: tok.approver,
      }),
      400,
      'invalid_request',
    );
    await unchanged();

    // A second, different decision on an approval is refused while the run goes on, and changes nothing.
    const run = (
      await call('POST', '/api/runs', {
        body: {
          dag: {
            ...approvalDag('slow-after'),
            nodes: [llm('a'), approvalNode('gate'), llm('b', { latencyMs: 1500 })],
          },
        },
      })
    ).body.runId as string;
    const wait = await waitForSignal(call, run, (x) => x.type === 'node.awaiting_approval', 'approval');
    const id = (wait as { approvalId: string }).approvalId;
    expect((await decide(run, id, 'approved')).status).toBe(200);
    expect(srv.server.runs.live(run)).toBeDefined();
    const e = expectError(await decide(run, id, 'rejected'), 409, 'conflict');
    expect(e.message).toMatch(/approved/);
    const decided = async () =>
      srv.server.store.db.query(`select body from signals where run_id = $1 and type = 'approval.decided'`, [
        run,
      ]);
    expect(await decided()).toHaveLength(1);
    expect(await srv.server.store.getApproval(id)).toMatchObject({ status: 'approved', decidedBy: 'bob' });
    expect((await waitForRunEnd(call, run)).run.status).toBe('succeeded');
    expect(await decided()).toHaveLength(1);
  });

  it('refuses callers by role: 401 without or with a bad token, 403 below the role', async () => {
    const unchanged = await snapshot();
    const approve = `/api/runs/${waitingRun}/approvals/${encodeURIComponent(approvalId)}`;
    for (const path of [
      '/api/dags',
      '/api/runs',
      '/api/approvals',
      '/api/openapi.json',
      `/api/runs/${waitingRun}`,
    ]) {
      expectError(await call('GET', path, { token: null }), 401, 'unauthorized');
      expectError(await call('GET', path, { token: 'not-a-token' }), 401, 'unauthorized');
    }
    expectError(
      await call('POST', '/api/runs', { token: null, body: { dagId: 'known' } }),
      401,
      'unauthorized',
    );
    expectError(await call('GET', `/api/runs/${waitingRun}/events`, { token: null }), 401, 'unauthorized');
    // A bearer header that is not "Bearer <token>".
    expectError(
      await call('GET', '/api/dags', { token: null, headers: { authorization: `Basic ${tok.admin}` } }),
      401,
      'unauthorized',
    );
    // access_token is for the event stream only.
    expectError(
      await call('GET', `/api/dags?access_token=${tok.admin}`, { token: null }),
      401,
      'unauthorized',
    );

    // viewer < operator < approver < admin
    expectError(
      await call('POST', approve, { body: { decision: 'approved' }, token: tok.viewer }),
      403,
      'forbidden',
    );
    expectError(
      await call('POST', approve, { body: { decision: 'approved' }, token: tok.operator }),
      403,
      'forbidden',
    );
    expectError(
      await call('POST', '/api/runs', { body: { dagId: 'known' }, token: tok.viewer }),
      403,
      'forbidden',
    );
    expectError(
      await call('POST', '/api/dags', { body: quickDag('v'), token: tok.viewer }),
      403,
      'forbidden',
    );
    expectError(
      await call('PUT', '/api/dags/known', { body: quickDag('known'), token: tok.viewer }),
      403,
      'forbidden',
    );
    expectError(await call('DELETE', '/api/dags/known', { token: tok.viewer }), 403, 'forbidden');
    expectError(
      await call('POST', `/api/runs/${waitingRun}/cancel`, { token: tok.viewer }),
      403,
      'forbidden',
    );
    // Reading is fine for a viewer.
    expect((await call('GET', '/api/runs', { token: tok.viewer })).status).toBe(200);
    expect((await call('GET', '/api/approvals', { token: tok.viewer })).status).toBe(200);
    // The approval is still pending after all that.
    const pending = await call('GET', '/api/approvals?status=pending');
    expect(pending.body.approvals.map((a: { id: string }) => a.id)).toContain(approvalId);
    await unchanged();
  });

  it('refuses bad run bodies and bad queries', async () => {
    const unchanged = await snapshot();
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field.
    const bad = (r: { status: number; body: any }) => expectError(r, 400, 'invalid_request');
    // Exactly one of dagId or dag.
    bad(await call('POST', '/api/runs', { body: {} }));
    bad(await call('POST', '/api/runs', { body: { dagId: 'known', dag: quickDag('x') } }));
    bad(await call('POST', '/api/runs', { body: { dagId: 'known', surprise: true } }));
    bad(await call('POST', '/api/runs', { body: { dagId: 'known', ladder: [] } }));
    bad(await call('POST', '/api/runs', { body: { dagId: 'known', inputs: 'x' } }));
    // A ladder a DAG cannot run on.
    expectError(
      await call('POST', '/api/runs', {
        body: { dag: { ...quickDag('tiers'), nodes: [llm('a', {}, { startTier: 'gigantic' })] } },
      }),
      400,
      'invalid_run',
    );
    // A ladder naming a model endpoint the server was not configured with (no requests to arbitrary hosts).
    const foreign = bad(
      await call('POST', '/api/runs', {
        body: {
          dagId: 'known',
          ladder: [
            {
              name: 'x',
              provider: 'openai',
              model: 'm',
              baseUrl: 'http://169.254.169.254/v1',
              apiKeyEnv: 'DATABASE_URL',
            },
          ],
        },
      }),
    );
    expect(foreign.issues?.[0]?.path).toBe('ladder.0.baseUrl');
    // The URL and the body disagree on the id.
    bad(await call('PUT', '/api/dags/known', { body: quickDag('other') }));
    // Queries.
    bad(await call('GET', '/api/runs?limit=0'));
    bad(await call('GET', '/api/runs?limit=lots'));
    bad(await call('GET', '/api/runs?status=sleeping'));
    bad(await call('GET', '/api/runs?cursor=garbage'));
    bad(await call('GET', `/api/runs?cursor=${Buffer.from('["x", 1]').toString('base64url')}`));
    bad(await call('GET', `/api/runs?cursor=${Buffer.from('["not a date", "id"]').toString('base64url')}`));
    bad(await call('GET', '/api/approvals?status=whatever'));
    bad(await call('GET', `/api/runs/${waitingRun}/signals?after=-1`));
    bad(await call('GET', `/api/runs/${waitingRun}/signals?limit=100000`));
    bad(await call('GET', `/api/runs/${waitingRun}/events?after=abc`));
    const res = await fetch(`${srv.url}/api/runs/${waitingRun}/events`, {
      headers: { authorization: `Bearer ${tok.admin}`, 'last-event-id': '1.5' },
    });
    expectError({ status: res.status, body: await res.json() }, 400, 'invalid_request');
    await unchanged();
  });
});
