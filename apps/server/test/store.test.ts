// The store over each real backend: migrations, DAG versions, runs, signal batches and what they
// derive (status, cost, approvals), keyset pagination, atomicity.
import { type DagSpec, makeSignal, type Signal, withSeq } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../src/db.ts';
import { migrate } from '../src/migrations.ts';
import { createStore, type Store } from '../src/store.ts';
import { backends, quickDag, removeTempDirs, storageFor } from './helpers.ts';

afterAll(removeTempDirs);

const dag = (id: string) => ({ ...quickDag(id), edges: [] }) as unknown as DagSpec;
const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms).toISOString();

/** A minimal, well-formed signal log for a run with one node that waits for approval, then succeeds. */
const script = (runId: string): Signal[] =>
  [
    { type: 'run.started', ladder: [] },
    { type: 'node.queued', nodeId: 'n', attempt: 1, tier: 0 },
    { type: 'node.started', nodeId: 'n', attempt: 1, tier: 0 },
    {
      type: 'usage',
      nodeId: 'n',
      attempt: 1,
      tier: 0,
      model: 'm',
      inputTokens: 10,
      outputTokens: 5,
      costUsd: 0.25,
    },
    {
      type: 'node.awaiting_approval',
      nodeId: 'n',
      attempt: 1,
      approvalId: `${runId}-ap`,
      prompt: 'ok?',
      payload: { x: 1 },
    },
    {
      type: 'approval.decided',
      nodeId: 'n',
      attempt: 1,
      approvalId: `${runId}-ap`,
      decision: 'approved',
      by: 'bob',
      comment: 'yes',
    },
    {
      type: 'usage',
      nodeId: 'n',
      attempt: 1,
      tier: 0,
      model: 'm',
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0.5,
    },
    { type: 'node.succeeded', nodeId: 'n', attempt: 1, output: 'done', elapsedMs: 3 },
    { type: 'run.succeeded' },
  ].map((s, i) => ({ ...s, runId, seq: i + 1, at: at(i) }) as Signal);

describe.each(backends)('store on %s', (backend) => {
  let db: Db;
  let store: Store;

  beforeAll(async () => {
    db = await openDb(await storageFor(backend, `store_${backend}`));
    await migrate(db);
    store = createStore(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('migrates once; migrating again changes nothing', async () => {
    const applied = async () =>
      (await db.query<{ id: number }>('select id from laneflow_migrations order by id')).map((r) => r.id);
    const before = await applied();
    // Every migration, in order, each once.
    expect(before).toEqual(before.map((_, i) => i + 1));
    expect(before.length).toBeGreaterThanOrEqual(2);
    await migrate(db);
    expect(await applied()).toEqual(before);
    expect(db.kind).toBe(backend);
  });

  it('keeps every DAG version and serves the latest; deleting hides it', async () => {
    const v1 = await store.saveDag(dag('d1'));
    const v2 = await store.saveDag({ ...dag('d1'), name: 'second' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await store.getDag('d1')).toMatchObject({
      id: 'd1',
      version: 2,
      name: 'second',
      spec: { version: 2 },
    });
    expect((await store.listDags()).filter((d) => d.id === 'd1')).toEqual([
      expect.objectContaining({ id: 'd1', version: 2, nodes: 2 }),
    ]);
    expect(await store.deleteDag('d1')).toBe(true);
    expect(await store.deleteDag('d1')).toBe(false);
    expect(await store.getDag('d1')).toBeUndefined();
    expect(await store.deleteDag('never')).toBe(false);
  });

  it('commits signal batches and derives status, cost, node count and approvals', async () => {
    await store.createRun({ id: 'r1', dag: dag('d'), dagVersion: null, createdBy: 'test', inputs: { a: 1 } });
    expect((await store.getRun('r1'))?.summary).toMatchObject({
      status: 'pending',
      lastSeq: 0,
      endedAt: null,
    });
    const signals = script('r1');
    await store.appendSignals('r1', signals.slice(0, 5));
    let run = await store.getRun('r1');
    expect(run?.summary).toMatchObject({ status: 'running', lastSeq: 5, nodes: 1, costUsd: 0.25 });
    expect(run?.inputs).toEqual({ a: 1 });
    // The summary alone (for status checks on hot paths) is the same, without the DAG.
    expect(await store.runSummary('r1')).toEqual(run?.summary);
    expect(await store.runSummary('nope')).toBeUndefined();
    expect(await store.unfinishedRuns()).toContain('r1');
    expect(await store.getApproval('r1-ap')).toMatchObject({
      runId: 'r1',
      nodeId: 'n',
      status: 'pending',
      payload: { x: 1 },
      prompt: 'ok?',
    });
    expect((await store.listApprovals('pending', 100)).map((a) => a.id)).toContain('r1-ap');

    await store.appendSignals('r1', signals.slice(5));
    run = await store.getRun('r1');
    expect(run?.summary).toMatchObject({ status: 'succeeded', lastSeq: 9, costUsd: 0.75, endedAt: at(8) });
    expect(await store.unfinishedRuns()).not.toContain('r1');
    expect(await store.getApproval('r1-ap')).toMatchObject({
      status: 'approved',
      decidedBy: 'bob',
      comment: 'yes',
      decidedAt: at(5),
    });
    expect(await store.signals('r1', 0, 100)).toEqual(signals);
    expect((await store.signals('r1', 3, 2)).map((s) => s.seq)).toEqual([4, 5]);
    expect(await store.signals('r1', 9, 100)).toEqual([]);
  });

  it('keeps approval records as core derives them: expired, cancelled, pending across batches', async () => {
    await store.createRun({ id: 'ra', dag: dag('d'), dagVersion: null, createdBy: 'test' });
    const ask = (nodeId: string, attempt: number, approvalId: string) =>
      ({ type: 'node.awaiting_approval', nodeId, attempt, approvalId, prompt: 'ok?' }) as const;
    const batches = [
      [
        { type: 'run.started', ladder: [] },
        { type: 'node.queued', nodeId: 'a', attempt: 1, tier: 0 },
        ask('a', 1, 'ra-1'),
        { type: 'node.queued', nodeId: 'b', attempt: 1, tier: 0 },
        { type: 'node.started', nodeId: 'b', attempt: 1, tier: 0 },
        ask('b', 1, 'ra-2'),
      ],
      [
        // a's wait timed out into an escalation; the human rung asks in the same batch.
        {
          type: 'escalation.requested',
          nodeId: 'a',
          attempt: 1,
          request: { reason: 'approval timed out', trigger: 'manual', urgency: 'blocked', fromTier: 0 },
        },
        {
          type: 'node.escalated',
          nodeId: 'a',
          attempt: 1,
          route: 'human',
          reason: 'approval timed out',
          fromTier: 0,
          toTier: 1,
          childId: 'a@t1',
          request: { reason: 'approval timed out', trigger: 'manual', urgency: 'blocked', fromTier: 0 },
        },
        {
          type: 'node.queued',
          nodeId: 'a@t1',
          attempt: 1,
          tier: 1,
          parentId: 'a',
          spawnReason: 'escalation',
        },
        ask('a@t1', 1, 'ra-3'),
        // b is closed and asks again on a new attempt within one batch: only the first stays closed.
        {
          type: 'node.failed',
          nodeId: 'b',
          attempt: 1,
          error: { message: 'x', code: 'x' },
          elapsedMs: 1,
          willRetry: true,
        },
        { type: 'node.queued', nodeId: 'b', attempt: 2, tier: 0 },
        ask('b', 2, 'ra-4'),
      ],
      [{ type: 'run.cancelled', reason: 'stop' }],
    ];
    let seq = 0;
    const statuses = async () =>
      Object.fromEntries(
        await Promise.all(
          ['ra-1', 'ra-2', 'ra-3', 'ra-4'].map(async (id) => [id, (await store.getApproval(id))?.status]),
        ),
      );
    const stamped = batches.map((b) =>
      b.map((s) => ({ ...s, runId: 'ra', seq: ++seq, at: at(seq) }) as Signal),
    );
    await store.appendSignals('ra', stamped[0] as Signal[]);
    expect(await statuses()).toEqual({
      'ra-1': 'pending',
      'ra-2': 'pending',
      'ra-3': undefined,
      'ra-4': undefined,
    });
    await store.appendSignals('ra', stamped[1] as Signal[]);
    expect(await statuses()).toEqual({
      'ra-1': 'expired',
      'ra-2': 'cancelled',
      'ra-3': 'pending',
      'ra-4': 'pending',
    });
    expect((await store.listApprovals('expired', 100)).map((a) => a.id)).toContain('ra-1');
    await store.appendSignals('ra', stamped[2] as Signal[]);
    expect(await statuses()).toEqual({
      'ra-1': 'expired',
      'ra-2': 'cancelled',
      'ra-3': 'cancelled',
      'ra-4': 'cancelled',
    });
    expect((await store.listApprovals('pending', 100)).filter((a) => a.runId === 'ra')).toEqual([]);
  });

  it('commits a batch all or nothing', async () => {
    await store.createRun({ id: 'r2', dag: dag('d'), dagVersion: null, createdBy: 'test' });
    const signals = script('r2');
    await store.appendSignals('r2', signals.slice(0, 2));
    // seq 2 again: the primary key refuses the batch, and none of it (nor its derived rows) lands.
    await expect(store.appendSignals('r2', signals.slice(1, 5))).rejects.toThrow();
    expect((await store.signals('r2', 0, 100)).map((s) => s.seq)).toEqual([1, 2]);
    expect(await store.getApproval('r2-ap')).toBeUndefined();
    expect((await store.getRun('r2'))?.summary).toMatchObject({ lastSeq: 2, costUsd: 0 });
    // The store still works after the failed transaction.
    await store.appendSignals('r2', signals.slice(2));
    expect((await store.signals('r2', 0, 100)).map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('commits a batch larger than one statement can carry (PostgreSQL allows 65,535 parameters)', async () => {
    await store.createRun({ id: 'big', dag: dag('d'), dagVersion: null, createdBy: 'test' });
    const at0 = Date.UTC(2026, 0, 1);
    const batch = Array.from({ length: 14_000 }, (_, i) =>
      withSeq(
        makeSignal('node.output_delta', {
          runId: 'big',
          at: new Date(at0 + i).toISOString(),
          nodeId: 'n',
          attempt: 1,
          text: 'x',
        }),
        i + 1,
      ),
    ) as Signal[];
    await store.appendSignals('big', batch);
    expect((await store.getRun('big'))?.summary.lastSeq).toBe(14_000);
    expect((await store.signals('big', 13_998, 10)).map((s) => s.seq)).toEqual([13_999, 14_000]);
  });

  it('pages runs newest first, by status, without losing runs created in the same millisecond', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = `p${i}`;
      ids.push(id);
      await store.createRun({ id, dag: dag('d'), dagVersion: null, createdBy: 'test' });
    }
    // created_at carries microseconds: several runs inside one millisecond, in both id orders.
    const stamps = [
      '2031-01-01T00:00:00.123100Z',
      '2031-01-01T00:00:00.123400Z',
      '2031-01-01T00:00:00.123400Z',
      '2031-01-01T00:00:00.123900Z',
      '2031-01-01T00:00:00.124000Z',
      '2031-01-01T00:00:00.122999Z',
      '2031-01-01T00:00:00.123999Z',
    ];
    for (const [i, id] of ids.entries())
      await db.query('update runs set created_at = $2::timestamptz where id = $1', [id, stamps[i]]);
    await db.query(`update runs set status = 'failed' where id in ('p1', 'p4')`);
    const expected = (
      await db.query<{ id: string }>(
        `select id from runs where id like 'p%' order by created_at desc, id desc`,
      )
    ).map((r) => r.id);

    for (const status of [undefined, 'failed', 'pending'] as const)
      for (const limit of [1, 2, 3]) {
        const got: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 50; pages++) {
          const page = await store.listRuns({ limit, ...(status && { status }), ...(cursor && { cursor }) });
          got.push(...page.runs.map((r) => r.id));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        const want = expected.filter((id) =>
          status === undefined
            ? true
            : status === 'failed'
              ? ['p1', 'p4'].includes(id)
              : !['p1', 'p4'].includes(id),
        );
        expect(
          got.filter((id) => id.startsWith('p')),
          `status ${status} limit ${limit}`,
        ).toEqual(want);
      }
  });

  it('keeps one holder per token hash and replaces a token by id', async () => {
    await store.putToken({ id: 't1', name: 'x', role: 'viewer', hash: 'ab' });
    await store.putToken({ id: 't2', name: 'y', role: 'admin', hash: 'ab' });
    await store.putToken({ id: 't3', name: 'z', role: 'viewer', hash: 'cd' });
    await store.putToken({ id: 't3', name: 'z', role: 'operator', hash: 'ef' });
    const mine = (await store.tokens())
      .filter((t) => t.id.startsWith('t'))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(({ createdAt, ...t }) => t);
    expect(mine).toEqual([
      { id: 't2', name: 'y', role: 'admin', hash: 'ab' },
      { id: 't3', name: 'z', role: 'operator', hash: 'ef' },
    ]);
  });
});
