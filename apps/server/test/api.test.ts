// The HTTP API against the real server on each backend: DAG CRUD, runs, snapshots,
// signal pages, cancel, approvals.
import type { Signal } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allSignals,
  approvalDag,
  backends,
  type Call,
  expectGapFree,
  quickDag,
  removeTempDirs,
  startTestServer,
  type TestServer,
  tok,
  waitForRunEnd,
  waitForSignal,
} from './helpers.ts';

afterAll(removeTempDirs);

describe.each(backends)('API on %s', (backend) => {
  let srv: TestServer;
  let call: Call;

  beforeAll(async () => {
    srv = await startTestServer(backend, `api_${backend}`);
    call = srv.call;
  });
  afterAll(async () => {
    await srv?.close();
  });

  const startRun = async (body: unknown, token: string = tok.operator): Promise<string> => {
    const r = await call('POST', '/api/runs', { body, token });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(Object.keys(r.body)).toEqual(['runId']);
    expect(typeof r.body.runId).toBe('string');
    return r.body.runId;
  };

  const awaitingApproval = (runId: string) =>
    waitForSignal(call, runId, (s) => s.type === 'node.awaiting_approval', `approval in ${runId}`) as Promise<
      Extract<Signal, { type: 'node.awaiting_approval' }>
    >;

  it('answers health without a token and names its store', async () => {
    const r = await call('GET', '/api/health', { token: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, version: expect.any(String), store: backend });
    const me = await call('GET', '/api/me', { token: tok.approver });
    expect(me.body).toEqual({ name: 'bob', role: 'approver' });
  });

  it('serves its default ladder to any signed-in role, without where keys live', async () => {
    const r = await call('GET', '/api/ladder', { token: tok.viewer });
    expect(r.status).toBe(200);
    expect(r.body.ladder.map((t: { name: string }) => t.name)).toEqual(['small', 'medium', 'large', 'human']);
    for (const t of r.body.ladder)
      expect(Object.keys(t).sort()).toEqual([
        'costPer1kInput',
        'costPer1kOutput',
        'model',
        'name',
        'provider',
      ]);
    expect((await call('GET', '/api/ladder', { token: null })).status).toBe(401);
    // A path the API serves, with a method it does not take: 405 and what it takes; else 404.
    const patch = await call('PATCH', '/api/dags/some-dag');
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, PUT, DELETE');
    expect(patch.body.error).toMatchObject({ code: 'method_not_allowed' });
    expect((await call('POST', '/api/ladder')).headers.get('allow')).toBe('GET');
    expect((await call('GET', '/api/nothing-here')).status).toBe(404);
    expect((await call('GET', '/api/dags/a/b/c')).status).toBe(404);
    // The scheme is case-insensitive; the token is not.
    const lower = { token: null, headers: { authorization: `bearer ${tok.viewer}` } };
    expect((await call('GET', '/api/ladder', lower)).status).toBe(200);
    const wrongCase = { token: null, headers: { authorization: `BEARER ${tok.viewer.toUpperCase()}` } };
    expect((await call('GET', '/api/ladder', wrongCase)).status).toBe(401);
  });

  it('creates, versions, lists and deletes DAGs', async () => {
    const dag = approvalDag('crud');
    const created = await call('POST', '/api/dags', { body: dag, token: tok.operator });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'crud',
      version: 1,
      name: dag.name,
      spec: { id: 'crud', version: 1 },
    });
    expect(Date.parse(created.body.updatedAt)).not.toBeNaN();

    const again = await call('POST', '/api/dags', { body: dag });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    const put = await call('PUT', '/api/dags/crud', { body: { ...dag, name: 'renamed' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'crud', version: 2, name: 'renamed' });

    const got = await call('GET', '/api/dags/crud', { token: tok.viewer });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: 'crud', version: 2, name: 'renamed', spec: { version: 2 } });
    expect(got.body.spec.nodes.map((n: { id: string }) => n.id)).toEqual(['a', 'gate', 'b']);

    // PUT creates a DAG that does not exist yet.
    const other = await call('PUT', '/api/dags/other', { body: quickDag('other', 3) });
    expect(other.status).toBe(200);
    expect(other.body.version).toBe(1);

    const list = await call('GET', '/api/dags', { token: tok.viewer });
    expect(list.status).toBe(200);
    expect(list.body.dags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'crud', version: 2, name: 'renamed', nodes: 3 }),
        expect.objectContaining({ id: 'other', version: 1, nodes: 3 }),
      ]),
    );
    expect(list.body.dags.filter((d: { id: string }) => d.id === 'crud')).toHaveLength(1);

    const del = await call('DELETE', '/api/dags/crud', { token: tok.operator });
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    const gone = await call('GET', '/api/dags/crud');
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
    expect((await call('DELETE', '/api/dags/crud')).status).toBe(404);
    expect((await call('GET', '/api/dags')).body.dags.map((d: { id: string }) => d.id)).not.toContain('crud');
    // A deleted DAG cannot be started by id.
    const start = await call('POST', '/api/runs', { body: { dagId: 'crud' } });
    expect(start.status).toBe(404);
    // Creating it again starts a fresh history after the deleted versions.
    const recreated = await call('POST', '/api/dags', { body: dag });
    expect(recreated.status).toBe(201);
    expect(recreated.body.version).toBe(3);
  });

  it('saves over a DAG only from its newest version; without a version, unconditionally', async () => {
    const dag = approvalDag('stale');
    expect((await call('POST', '/api/dags', { body: dag })).status).toBe(201);
    // Two editors open version 1; the first save wins, the second is refused naming the field.
    const first = await call('PUT', '/api/dags/stale', { body: { ...dag, version: 1, name: 'first' } });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    for (const base of [1, 99]) {
      const late = await call('PUT', '/api/dags/stale', { body: { ...dag, version: base, name: 'second' } });
      expect(late.status).toBe(409);
      expect(late.body.error).toMatchObject({
        code: 'stale_version',
        issues: [{ path: 'version', code: 'stale_version', message: 'the newest version is 2' }],
      });
    }
    expect((await call('GET', '/api/dags/stale')).body).toMatchObject({ version: 2, name: 'first' });
    // From the newest version, and without one (a script's save), it saves.
    expect((await call('PUT', '/api/dags/stale', { body: { ...dag, version: 2 } })).body.version).toBe(3);
    expect((await call('PUT', '/api/dags/stale', { body: dag })).body.version).toBe(4);
    // A DAG with no version yet has no work to lose: any base saves it as version 1.
    expect(
      (await call('PUT', '/api/dags/fresh', { body: { ...quickDag('fresh'), version: 7 } })).body.version,
    ).toBe(1);

    // At once from the same base: exactly one save, the rest refused; unconditional saves all land.
    const racing = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('PUT', '/api/dags/stale', { body: { ...dag, version: 4, name: `r${i}` } }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, ...Array(7).fill(409)]);
    const all = await Promise.all(
      Array.from({ length: 8 }, () => call('PUT', '/api/dags/stale', { body: dag })),
    );
    expect(all.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(all.map((r) => r.body.version).sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('starts runs from a dagId and from an inline DAG; lists them by status with a cursor', async () => {
    expect((await call('POST', '/api/dags', { body: quickDag('quick') })).status).toBe(201);
    const byId = await startRun({ dagId: 'quick' });
    const inline = await startRun({ dag: quickDag('inline', 3), inputs: { topic: 'x' } });
    // A burst of concurrent starts: their created_at may share a millisecond.
    const burst = await Promise.all(Array.from({ length: 8 }, () => startRun({ dagId: 'quick' })));
    const finished = [byId, inline, ...burst];
    for (const id of finished) expect((await waitForRunEnd(call, id)).run.status).toBe('succeeded');
    const waiting = await startRun({ dag: approvalDag('waits') });
    await awaitingApproval(waiting);

    const snap = await call('GET', `/api/runs/${byId}`);
    expect(snap.body.run).toMatchObject({ id: byId, dagId: 'quick', status: 'succeeded', nodes: 2 });
    expect(snap.body.run.costUsd).toBeGreaterThan(0);
    expect(snap.body.run.endedAt).not.toBeNull();
    expect((await call('GET', `/api/runs/${inline}`)).body.run).toMatchObject({ dagId: 'inline', nodes: 3 });

    const all = await call('GET', '/api/runs?limit=500', { token: tok.viewer });
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    const allIds = all.body.runs.map((r: { id: string }) => r.id);
    expect(allIds).toEqual(expect.arrayContaining([...finished, waiting]));
    // Newest first.
    const created = all.body.runs.map((r: { createdAt: string }) => Date.parse(r.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);

    const succeeded = await call('GET', '/api/runs?status=succeeded&limit=500');
    expect(succeeded.body.runs.every((r: { status: string }) => r.status === 'succeeded')).toBe(true);
    expect(succeeded.body.runs.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(finished));
    expect(succeeded.body.runs.map((r: { id: string }) => r.id)).not.toContain(waiting);
    const running = await call('GET', '/api/runs?status=running');
    expect(running.body.runs.map((r: { id: string }) => r.id)).toEqual([waiting]);

    for (const limit of [1, 2, 3]) {
      const paged: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r: { status: number; body: { runs: Array<{ id: string }>; nextCursor: string | null } } =
          await call('GET', `/api/runs?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        expect(r.body.runs.length).toBeLessThanOrEqual(limit);
        paged.push(...r.body.runs.map((x) => x.id));
        cursor = r.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(paged, `pages of ${limit}`).toEqual(allIds);
    }
    // The status filter and the cursor together.
    const page1 = await call('GET', '/api/runs?status=succeeded&limit=4');
    const page2 = await call('GET', `/api/runs?status=succeeded&limit=500&cursor=${page1.body.nextCursor}`);
    expect([...page1.body.runs, ...page2.body.runs].map((r: { id: string }) => r.id)).toEqual(
      succeeded.body.runs.map((r: { id: string }) => r.id),
    );

    expect((await call('POST', `/api/runs/${waiting}/cancel`)).status).toBe(202);
    await waitForRunEnd(call, waiting);
  });

  it('pauses for approval, shows it in the inbox, takes a decision once and completes', async () => {
    expect((await call('POST', '/api/dags', { body: approvalDag('flow') })).status).toBe(201);
    const runId = await startRun({ dagId: 'flow' });
    const waiting = await awaitingApproval(runId);
    expect(waiting).toMatchObject({ nodeId: 'gate', attempt: 1, prompt: 'May gate pass?' });

    const snap = await call('GET', `/api/runs/${runId}`, { token: tok.viewer });
    expect(snap.status).toBe(200);
    expect(snap.body.run).toMatchObject({ id: runId, status: 'running', dagId: 'flow' });
    expect(snap.body.dag).toMatchObject({ id: 'flow', version: 1 });
    expect(snap.body.lastSeq).toBeGreaterThanOrEqual(waiting.seq);
    const lane = (id: string) => snap.body.nodes.find((n: { id: string }) => n.id === id)?.lane;
    expect([lane('a'), lane('gate'), lane('b')]).toEqual(['succeeded', 'awaiting_approval', 'queued']);
    expect(snap.body.counts).toMatchObject({ succeeded: 1, awaiting_approval: 1, queued: 1 });
    // A snapshot node carries what lists and comparisons show, not the whole projected state.
    expect(snap.body.nodes.find((n: { id: string }) => n.id === 'gate')).toEqual({
      id: 'gate',
      label: 'gate',
      lane: 'awaiting_approval',
      attempt: 1,
      tier: 0,
      costUsd: 0,
    });

    const inbox = await call('GET', '/api/approvals?status=pending', { token: tok.viewer });
    expect(inbox.status).toBe(200);
    const mine = inbox.body.approvals.filter((a: { runId: string }) => a.runId === runId);
    expect(mine).toEqual([
      expect.objectContaining({
        id: waiting.approvalId,
        runId,
        nodeId: 'gate',
        attempt: 1,
        prompt: 'May gate pass?',
        status: 'pending',
        decidedBy: null,
      }),
    ]);
    // The default status of the inbox is pending.
    expect((await call('GET', '/api/approvals')).body.approvals.map((a: { id: string }) => a.id)).toContain(
      waiting.approvalId,
    );

    // Signal pages.
    const p1 = await call('GET', `/api/runs/${runId}/signals?after=0&limit=2`);
    expect(p1.body.signals.map((s: Signal) => s.seq)).toEqual([1, 2]);
    expect(p1.body.signals[0].type).toBe('run.started');
    const p2 = await call('GET', `/api/runs/${runId}/signals?after=2&limit=2`);
    expect(p2.body.signals.map((s: Signal) => s.seq)).toEqual([3, 4]);
    const tail = await call('GET', `/api/runs/${runId}/signals?after=${waiting.seq}`);
    expect(tail.body.signals.every((s: Signal) => s.seq > waiting.seq)).toBe(true);

    const path = `/api/runs/${runId}/approvals/${encodeURIComponent(waiting.approvalId)}`;
    const first = await call('POST', path, {
      body: { decision: 'approved', comment: 'fine' },
      token: tok.approver,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ ok: true, duplicate: false });
    const repeat = await call('POST', path, { body: { decision: 'approved' }, token: tok.approver });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ ok: true, duplicate: true });
    const conflict = await call('POST', path, { body: { decision: 'rejected' }, token: tok.approver });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('conflict');

    const end = await waitForRunEnd(call, runId);
    expect(end.run.status).toBe('succeeded');
    expect(end.nodes.every((n: { lane: string }) => n.lane === 'succeeded')).toBe(true);

    // Once the run is over, the recorded decision still answers.
    expect((await call('POST', path, { body: { decision: 'approved' } })).body).toEqual({
      ok: true,
      duplicate: true,
    });
    const late = await call('POST', path, { body: { decision: 'rejected' } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('conflict');

    const pending = await call('GET', '/api/approvals?status=pending');
    expect(pending.body.approvals.map((a: { id: string }) => a.id)).not.toContain(waiting.approvalId);
    const approved = await call('GET', '/api/approvals?status=approved');
    expect(approved.body.approvals.find((a: { id: string }) => a.id === waiting.approvalId)).toMatchObject({
      status: 'approved',
      decidedBy: 'bob',
      comment: 'fine',
    });

    const signals = await allSignals(call, runId, 3);
    expectGapFree(signals);
    expect(signals.at(-1)?.type).toBe('run.succeeded');
    expect(signals.filter((s) => s.type === 'approval.decided')).toHaveLength(1);
    expect(end.lastSeq).toBe(signals.length);
    expect(end.run.lastSeq).toBe(signals.length);
    // The store holds exactly seq 1..N.
    const stored = await srv.server.store.db.query<{ n: number; lo: number; hi: number }>(
      'select count(*)::int as n, min(seq) as lo, max(seq) as hi from signals where run_id = $1',
      [runId],
    );
    expect(stored[0]).toEqual({ n: signals.length, lo: 1, hi: signals.length });
    expect(await srv.server.store.signals(runId, 0, 10_000)).toEqual(signals);
  });

  it('cancels a running run once; a finished run refuses with run_finished', async () => {
    const runId = await startRun({ dag: approvalDag('cancel-me') });
    const waiting = await awaitingApproval(runId);
    const viewer = await call('POST', `/api/runs/${runId}/cancel`, { token: tok.viewer });
    expect(viewer.status).toBe(403);

    const cancel = await call('POST', `/api/runs/${runId}/cancel`, {
      body: { reason: 'test' },
      token: tok.operator,
    });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ ok: true });
    const end = await waitForRunEnd(call, runId);
    expect(end.run.status).toBe('cancelled');
    const lanes = Object.fromEntries(end.nodes.map((n: { id: string; lane: string }) => [n.id, n.lane]));
    expect(lanes).toEqual({ a: 'succeeded', gate: 'cancelled', b: 'cancelled' });

    const signals = await allSignals(call, runId);
    expectGapFree(signals);
    expect(signals.at(-1)).toMatchObject({ type: 'run.cancelled', reason: 'test' });

    const again = await call('POST', `/api/runs/${runId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('run_finished');

    // The approval it waited on is closed, and cannot be decided any more.
    const cancelled = await call('GET', '/api/approvals?status=cancelled');
    expect(cancelled.body.approvals.map((a: { id: string }) => a.id)).toContain(waiting.approvalId);
    const decide = await call(
      'POST',
      `/api/runs/${runId}/approvals/${encodeURIComponent(waiting.approvalId)}`,
      { body: { decision: 'approved' } },
    );
    expect(decide.status).toBe(409);

    // A run that succeeded cannot be cancelled either.
    const done = await startRun({ dag: quickDag('done') });
    await waitForRunEnd(call, done);
    const late = await call('POST', `/api/runs/${done}/cancel`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('run_finished');
  });
});
