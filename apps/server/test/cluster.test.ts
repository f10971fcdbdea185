// Scale-out (ADR 0010): three processes on one PostgreSQL (two HTTP servers and a `worker`), runs
// handed out through pg-boss. 50 concurrent runs spread over them; one process is SIGKILLed mid-run;
// its runs resume elsewhere from their signals; every run completes gap-free with no succeeded node
// run again; an SSE watcher on a surviving process sees every signal of every run. Then decisions
// and cancels posted on a process that does not execute the run reach the one that does.
import { randomBytes } from 'node:crypto';
import type { Signal } from '@laneflow/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildServer, childEnv, spawnServer } from './child-server.ts';
import {
  allSignals,
  approvalNode,
  type Call,
  client,
  createDatabase,
  edge,
  expectGapFree,
  llm,
  openEvents,
  parseSse,
  removeTempDirs,
  tempDir,
  waitFor,
  waitForRunEnd,
} from './helpers.ts';

afterAll(removeTempDirs);

const RUNS = 50;
const SLOW_MS = 2500;

interface Child extends ChildServer {
  name: string;
  /** Runs this process started executing, in order (from its cluster log). */
  executed: () => string[];
}

const startChild = async (
  name: string,
  databaseUrl: string,
  token: string,
  mode: 'http' | 'worker',
): Promise<Child> => {
  const child = await spawnServer({
    name,
    args: [
      ...(mode === 'worker' ? ['worker'] : []),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      tempDir(`cluster-${name}`),
      '--no-examples',
    ],
    env: childEnv({
      LANEFLOW_TOKENS: `test:admin:${token}`,
      DATABASE_URL: databaseUrl,
      LANEFLOW_CLUSTER: '1',
      LANEFLOW_CLUSTER_LOG: '1',
      LANEFLOW_RUN_LEASE_SECONDS: '6',
      // 3 × 17 slots ≥ 50 runs: every process must take its share.
      LANEFLOW_WORKER_CONCURRENCY: '17',
    }),
    ...(mode === 'worker' && { ready: /laneflow worker ready/ }),
  });
  return {
    ...child,
    name,
    executed: () => [...child.output().matchAll(/executing run ([^\s"]+)/g)].map((m) => m[1] as string),
  };
};

/** `a` at once, then `slow` (seconds), then `c`: a kill almost surely lands inside `slow`. */
const dag = {
  id: 'spread',
  nodes: [llm('a'), llm('slow', { latencyMs: SLOW_MS }), llm('c')],
  edges: [edge('a', 'slow'), edge('slow', 'c')],
};

/** Reads one run's event stream to its `end`: the signals in the order they came. */
const watch = async (base: string, runId: string, token: string): Promise<Signal[]> => {
  const res = await openEvents(base, runId, { token }).catch((e) => {
    throw new Error(`stream of ${runId}: ${e}`);
  });
  expect(res.status).toBe(200);
  const got: Signal[] = [];
  for await (const item of parseSse(res.body as ReadableStream<Uint8Array>)) {
    if (item.kind !== 'event') continue;
    if (item.event === 'end') return got;
    if (item.event === 'signal') {
      const s = JSON.parse(item.data) as Signal;
      expect(item.id).toBe(String(s.seq));
      got.push(s);
    }
  }
  throw new Error(`stream of ${runId} closed before its end`);
};

describe('several processes on one PostgreSQL', () => {
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) await c.stop('SIGKILL');
  });

  it('spreads runs, survives a SIGKILL, fans out live signals, forwards decisions', {
    timeout: 150_000,
  }, async () => {
    const token = `lf_test_${randomBytes(12).toString('hex')}`;
    const databaseUrl = await createDatabase('cluster');
    // Started together: migrations are serialized by an advisory lock.
    const [p1, p2, p3] = await Promise.all([
      startChild('p1', databaseUrl, token, 'http'),
      startChild('p2', databaseUrl, token, 'http'),
      startChild('p3', databaseUrl, token, 'worker'),
    ]);
    children.push(p1, p2, p3);
    const call1: Call = client(p1.url, token);
    const call2: Call = client(p2.url, token);

    // ---- 50 runs posted at once to both HTTP processes ------------------------------------------
    const ids = await Promise.all(
      Array.from({ length: RUNS }, async (_, i) => {
        const r = await (i % 2 ? call2 : call1)('POST', '/api/runs', { body: { dag } });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body.runId as string;
      }),
    );
    // A watcher on p1 (which survives) for every run, from the start.
    const watched = ids.map((id) => watch(p1.url, id, token));

    // Kill p2 once it is executing runs that have not ended.
    await waitFor(() => p2.executed().length >= 1, 'p2 to execute runs');
    p2.proc.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await p2.exited).signal).toBe('SIGKILL');
    // What the dead process had committed (it can commit nothing more).
    const beforeKill = new Map<string, Signal[]>();
    for (const id of p2.executed()) beforeKill.set(id, await allSignals(call1, id));
    const victimsAll = p2.executed();
    const unfinished = victimsAll.filter(
      (id) => !beforeKill.get(id)?.some((s) => s.type === 'run.succeeded'),
    );
    expect(unfinished.length).toBeGreaterThan(0);

    // ---- every run completes ---------------------------------------------------------------------
    for (const id of ids) expect((await waitForRunEnd(call1, id, 90_000)).run.status).toBe('succeeded');
    const resumedAfterMs = Date.now() - killedAt;
    // The dead process's unfinished runs were picked up by a survivor.
    const survivors = new Set([...p1.executed(), ...p3.executed()]);
    for (const id of unfinished) expect(survivors.has(id), `${id} resumed elsewhere`).toBe(true);
    // All three took part.
    for (const c of [p1, p2, p3]) expect(c.executed().length, `${c.name} executed runs`).toBeGreaterThan(0);

    const streams = await Promise.all(watched);
    for (const [i, id] of ids.entries()) {
      const all = await allSignals(call1, id);
      expectGapFree(all);
      expect(all.at(-1)?.type).toBe('run.succeeded');
      expect(all.filter((s) => s.type === 'run.started')).toHaveLength(1);
      // The watcher on p1 saw every signal, in order, whichever process executed the run.
      expect(streams[i]).toEqual(all);
      // Each node succeeded exactly once and nothing started again after it succeeded.
      for (const n of ['a', 'slow', 'c']) {
        const ok = all.filter((s) => s.type === 'node.succeeded' && s.nodeId === n);
        expect(ok, `${id} ${n}`).toHaveLength(1);
        const okSeq = (ok[0] as Signal).seq;
        expect(all.filter((s) => s.type === 'node.started' && s.nodeId === n && s.seq > okSeq)).toEqual([]);
      }
      const before = beforeKill.get(id);
      if (before) expect(all.slice(0, before.length)).toEqual(before);
    }
    console.log(
      `cluster: ${unfinished.length} run(s) of the killed process resumed; all ended ${resumedAfterMs} ms after the kill`,
    );

    // ---- decisions and cancels reach the executing process ----------------------------------------
    const p4 = await startChild('p4', databaseUrl, token, 'http');
    children.push(p4);
    const http = [p1, p4];
    const gated = {
      id: 'gated',
      nodes: [llm('a'), approvalNode('gate'), llm('b')],
      edges: [edge('a', 'gate'), edge('gate', 'b')],
    };
    const owner = (runId: string) => [p1, p3, p4].find((c) => c.executed().includes(runId));
    for (const action of ['decide', 'cancel'] as const) {
      const started = await call1('POST', '/api/runs', { body: { dag: gated } });
      const runId = started.body.runId as string;
      const pending = await waitFor(async () => {
        const s = await allSignals(call1, runId);
        return s.find((x) => x.type === 'node.awaiting_approval') as
          | Extract<Signal, { type: 'node.awaiting_approval' }>
          | undefined;
      }, 'the approval to be pending');
      const ex = await waitFor(() => owner(runId), 'the run to have an owner');
      // Post on an HTTP process that does not execute the run.
      const elsewhere = http.find((c) => c !== ex) as Child;
      const callX = client(elsewhere.url, token);
      if (action === 'decide') {
        const r = await callX(
          'POST',
          `/api/runs/${runId}/approvals/${encodeURIComponent(pending.approvalId)}`,
          {
            body: { decision: 'approved', comment: `via ${elsewhere.name}` },
          },
        );
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body).toEqual({ ok: true, duplicate: false });
        // Durable when answered: the inbox of any process shows it.
        const inbox = await callX('GET', '/api/approvals?status=approved');
        expect(inbox.body.approvals.map((a: { id: string }) => a.id)).toContain(pending.approvalId);
        expect((await waitForRunEnd(callX, runId)).run.status).toBe('succeeded');
      } else {
        const r = await callX('POST', `/api/runs/${runId}/cancel`, { body: {} });
        expect(r.status, JSON.stringify(r.body)).toBe(202);
        expect((await waitForRunEnd(callX, runId)).run.status).toBe('cancelled');
      }
      expectGapFree(await allSignals(callX, runId));
    }

    // ---- a run's start tier travels with it through the queue to the process that executes it -----
    const tiered = await call1('POST', '/api/runs', { body: { dag: gated, startTier: 'large' } });
    expect(tiered.status, JSON.stringify(tiered.body)).toBe(201);
    const tieredId = tiered.body.runId as string;
    const firstQueued = await waitFor(
      async () => (await allSignals(call1, tieredId)).find((x) => x.type === 'node.queued'),
      'the tiered run to queue a node',
    );
    expect(firstQueued).toMatchObject({ nodeId: 'a', tier: 2 });
    await call1('POST', `/api/runs/${tieredId}/cancel`, { body: {} });

    // ---- a token made or revoked on one process holds on every other at once ---------------------
    const made = await call1('POST', '/api/tokens', { body: { name: 'shared-reader', role: 'viewer' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const reader = made.body.token as string;
    const call4: Call = client(p4.url, token);
    const statusOn4 = async () => (await call4('GET', '/api/me', { token: reader })).status;
    await waitFor(async () => (await statusOn4()) === 200, 'the new token to work on p4', 5_000);
    expect((await call4('DELETE', '/api/tokens/shared-reader')).status).toBe(204);
    await waitFor(
      async () => (await call1('GET', '/api/me', { token: reader })).status === 401,
      'p1 to refuse it',
      5_000,
    );
  });
});
