// Crash recovery: the real server as a child process (src/cli.ts), killed with SIGKILL in the middle of
// a run (a slow node running, an approval pending), restarted on the same store. The run goes on from
// its committed signals: nothing that succeeded runs again, the lost attempt is closed as interrupted
// and re-queued as attempt 2, the approval is still pending under the same id, and the log stays
// gap-free.
import { randomBytes } from 'node:crypto';
import type { Signal } from '@laneflow/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/db.ts';
import { type ChildServer, childEnv, spawnServer } from './child-server.ts';
import {
  allSignals,
  approvalNode,
  type Backend,
  backends,
  type Call,
  client,
  edge,
  expectGapFree,
  llm,
  openEvents,
  parseSse,
  removeTempDirs,
  storageFor,
  waitFor,
  waitForRunEnd,
} from './helpers.ts';

afterAll(removeTempDirs);

const SLOW_MS = 4000;

const startChild = (
  storage: { dataDir: string; databaseUrl?: string },
  token: string,
): Promise<ChildServer> =>
  spawnServer({
    args: ['--host', '127.0.0.1', '--port', '0', '--data-dir', storage.dataDir, '--no-examples'],
    env: childEnv({
      LANEFLOW_TOKENS: `test:admin:${token}`,
      ...(storage.databaseUrl && { DATABASE_URL: storage.databaseUrl }),
    }),
  });

/** `a` and `side` finish at once; `slow` takes seconds; `gate` waits for a human; `done` needs both. */
const crashDag = {
  id: 'crash',
  nodes: [llm('a'), llm('side'), llm('slow', { latencyMs: SLOW_MS }), approvalNode('gate'), llm('done')],
  edges: [edge('a', 'slow'), edge('a', 'gate'), edge('slow', 'done'), edge('gate', 'done')],
};

const started = (signals: Signal[], nodeId: string) =>
  signals.filter((s) => s.type === 'node.started' && s.nodeId === nodeId);

describe('crash recovery', () => {
  const children: ChildServer[] = [];
  afterAll(async () => {
    for (const c of children) await c.stop('SIGKILL');
  });

  // The two backends share nothing (own children, own storage), so they run side by side.
  it.concurrent.for(backends)(
    'on %s: resumes a run after SIGKILL without re-running finished work',
    { timeout: 180_000 },
    async (backend: Backend) => {
      const token = `lf_test_${randomBytes(12).toString('hex')}`;
      const storage = await storageFor(backend, `crash_${backend}`);

      // ---- first life: start the run and kill the server mid-way -----------------------------------
      const first = await startChild(storage, token);
      children.push(first);
      let call: Call = client(first.url, token);
      const health = await call('GET', '/api/health', { token: null });
      expect(health.body.store).toBe(backend);
      const startRes = await call('POST', '/api/runs', { body: { dag: crashDag } });
      expect(startRes.status, JSON.stringify(startRes.body)).toBe(201);
      const runId = startRes.body.runId as string;

      const before = await waitFor(async () => {
        const s = await allSignals(call, runId);
        const waiting = s.some((x) => x.type === 'node.awaiting_approval' && x.nodeId === 'gate');
        const slowRunning = started(s, 'slow').length === 1;
        const sideDone = s.some((x) => x.type === 'node.succeeded' && x.nodeId === 'side');
        return waiting && slowRunning && sideDone ? s : undefined;
      }, 'the approval to be pending and the slow node to run');
      const approval = before.find((s) => s.type === 'node.awaiting_approval') as Extract<
        Signal,
        { type: 'node.awaiting_approval' }
      >;
      // Still inside the slow node's work when the process dies.
      expect(before.some((s) => s.type === 'node.succeeded' && s.nodeId === 'slow')).toBe(false);
      first.proc.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');

      // ---- second life: same store, the run resumes ------------------------------------------------
      const second = await startChild(storage, token);
      children.push(second);
      await waitFor(() => /resumed 1 unfinished run/.test(second.output()), 'the resumed-runs line', 10_000);
      call = client(second.url, token);

      // Everything committed before the kill is still there, unchanged.
      const resumed = await allSignals(call, runId);
      expect(resumed.slice(0, before.length)).toEqual(before);

      // The approval is still pending, under the same id.
      const inbox = await call('GET', '/api/approvals?status=pending');
      expect(inbox.body.approvals.filter((a: { runId: string }) => a.runId === runId)).toEqual([
        expect.objectContaining({ id: approval.approvalId, nodeId: 'gate', status: 'pending' }),
      ]);
      const decide = await call(
        'POST',
        `/api/runs/${runId}/approvals/${encodeURIComponent(approval.approvalId)}`,
        {
          body: { decision: 'approved', comment: 'after the crash' },
        },
      );
      expect(decide.status, JSON.stringify(decide.body)).toBe(200);
      expect(decide.body).toEqual({ ok: true, duplicate: false });

      const end = await waitForRunEnd(call, runId, 60_000);
      expect(end.run.status).toBe('succeeded');
      expect(end.nodes.map((n: { id: string; lane: string }) => [n.id, n.lane]).sort()).toEqual([
        ['a', 'succeeded'],
        ['done', 'succeeded'],
        ['gate', 'succeeded'],
        ['side', 'succeeded'],
        ['slow', 'succeeded'],
      ]);

      const after = await allSignals(call, runId, 7);
      expectGapFree(after);
      expect(after.at(-1)?.type).toBe('run.succeeded');
      expect(after.filter((s) => s.type === 'run.started')).toHaveLength(1);
      expect(end.lastSeq).toBe(after.length);

      // No node that had succeeded before the kill started again.
      for (const s of before.filter((x) => x.type === 'node.succeeded')) {
        const again = after.filter(
          (x) => x.type === 'node.started' && x.nodeId === s.nodeId && x.seq > s.seq,
        );
        expect(again, `${s.nodeId} ran again`).toEqual([]);
      }
      expect(started(after, 'a')).toHaveLength(1);
      expect(started(after, 'side')).toHaveLength(1);

      // The slow node's interrupted attempt was closed first, then its work queued again as attempt 2.
      const slow = after.filter(
        (s): s is Extract<Signal, { attempt: number }> =>
          'nodeId' in s && s.nodeId === 'slow' && s.seq > before.length,
      );
      expect(slow.map((s) => [s.type, s.attempt])).toEqual(
        expect.arrayContaining([
          ['node.failed', 1],
          ['node.queued', 2],
          ['node.started', 2],
          ['node.succeeded', 2],
        ]),
      );
      expect(slow.find((s) => s.type === 'node.failed')).toMatchObject({
        seq: before.length + 1,
        willRetry: true,
        error: { code: 'interrupted' },
      });
      expect(after.filter((s) => s.type === 'node.succeeded' && s.nodeId === 'slow')).toEqual([
        expect.objectContaining({ attempt: 2 }),
      ]);
      // The approval was decided once, on the node that asked for it, and `done` ran once after it.
      expect(after.filter((s) => s.type === 'approval.decided')).toEqual([
        expect.objectContaining({ approvalId: approval.approvalId, decision: 'approved', by: 'test' }),
      ]);
      expect(after.filter((s) => s.type === 'node.awaiting_approval')).toHaveLength(1);
      expect(started(after, 'done')).toHaveLength(1);

      // ---- a clean stop, even with an event stream open, then the store itself -------------------------
      const idle = await call('POST', '/api/runs', {
        body: { dag: { id: 'idle', nodes: [approvalNode('wait')] } },
      });
      const stream = await openEvents(second.url, idle.body.runId, { token });
      expect(stream.status).toBe(200);
      const reading = (async () => {
        const items = [];
        for await (const item of parseSse(stream.body as ReadableStream<Uint8Array>)) items.push(item);
        return items;
      })().catch(() => []);
      await waitFor(
        async () => (await allSignals(call, idle.body.runId)).length >= 3,
        'the idle run to wait',
      );
      const stopAt = Date.now();
      second.proc.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
      expect(Date.now() - stopAt).toBeLessThan(15_000);
      await reading;
      const db = await openDb(storage);
      try {
        const rows = await db.query<{ seq: number; body: Signal }>(
          'select seq, body from signals where run_id = $1 order by seq',
          [runId],
        );
        expect(rows.map((r) => r.seq)).toEqual(after.map((_, i) => i + 1));
        expect(rows.map((r) => r.body)).toEqual(after);
        const [run] = await db.query<{ status: string; last_seq: number }>(
          'select status, last_seq from runs where id = $1',
          [runId],
        );
        expect(run).toEqual({ status: 'succeeded', last_seq: after.length });
        const [a] = await db.query<{ status: string; decided_by: string }>(
          'select status, decided_by from approvals where id = $1',
          [approval.approvalId],
        );
        expect(a).toEqual({ status: 'approved', decided_by: 'test' });
      } finally {
        await db.close();
      }
    },
  );
});
