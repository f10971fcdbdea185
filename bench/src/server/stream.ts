/**
 * (2) 100 SSE watchers on one run emitting ~2,000 signals/s, through the real server (`startServer`,
 * port 0) on PGlite (a temp data directory) or PostgreSQL (a throwaway cluster).
 *
 * The run: an approval node `go` that every one of `nodes` worker LLM nodes depends on. Starting the
 * run commits `run.started`, every `node.queued` and `node.awaiting_approval`, then the run is
 * quiescent. The watchers (a child process, `watchers.ts`, so their parsing does not take the
 * server's event loop) connect and catch up on that prefix; then the bench approves `go` over HTTP
 * and the workers run in the run manager's slots (startServer does not set `maxConcurrency`, so the
 * executor's default of 8 applies), each with a sim latency spread over `latencyMs`, emitting
 * `node.started`, `usage` and `node.succeeded`: ~10 ms per node in 8 slots is ~2,000 signals/s. The
 * achieved rate is measured from the committed signals' `at`.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type DagSpec, defaultLadder, type Signal } from '@laneflow/core';
import { startServer } from '@laneflow/server';
import { type PgCluster, startPgCluster } from '../../../apps/server/test/pg-cluster.ts';
import { awaitApproval } from '../approval.ts';
import { apiClient } from '../http.ts';
import { prng } from '../prng.ts';
import type { WatchDone, WatcherResult, WatchStart } from './watchers.ts';

export type StreamBackend = 'pglite' | 'postgres';

export interface StreamOptions {
  backend: StreamBackend;
  watchers: number;
  nodes: number;
  /** Worker sim latency range [min, max] in ms. */
  latencyMs: [number, number];
  /** Write a CPU profile of the server process over the live window to this path. */
  profile?: string;
  /** Count the store's SQL statements (by their first words) over the live window. */
  countQueries?: boolean;
  /** Reuse a running cluster (postgres); otherwise one is started and stopped. */
  cluster?: PgCluster;
  log: (line: string) => void;
}

interface Pct {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface StreamResult {
  backend: StreamBackend;
  watchers: number;
  nodes: number;
  /** Signals of the run (N). */
  signals: number;
  /** Signals after the approval, per second of their `at`. */
  rate: { mean: number; perSecond: { min: number; median: number; max: number }; seconds: number };
  latency: { live: Pct; all: Pct };
  /** Signal `at` → committed and delivered to subscribers inside the server (live window). */
  commitLatency: Pct;
  /** Event-loop delay of the watcher process while streaming. */
  watcherEventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Every watcher got seq 1..N exactly once, in order, and `end` with lastSeq N. */
  exact: boolean;
  badWatchers: Array<WatcherResult & { index: number }>;
  /** From the run's creation to every watcher having its headers / having caught up. */
  connectMs: number;
  catchUpMs: number;
  /** Server process over the live window: CPU % of one core, CPU µs per signal delivered to one watcher. */
  serverCpuPct: number;
  serverCpuUsPerDelivery: number;
  /** Watcher process over its whole life: CPU % of one core. */
  watcherCpuPct: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Commit batches of the live window, as the run's log handed them to appendSignals. */
  batches: { count: number; meanSize: number; maxSize: number };
  loadAvg: number;
  /** With `countQueries`: statements run on the store over the live window, by their first words. */
  queries?: Record<string, number>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

export const benchDag = (nodes: number, latencyMs: [number, number]): DagSpec => {
  const rand = prng(42);
  const [lo, hi] = latencyMs;
  return {
    id: 'sse-bench',
    name: 'SSE bench',
    nodes: [
      { id: 'go', kind: 'approval', prompt: 'Start the bench?', payload: { ok: true } },
      ...Array.from({ length: nodes }, (_, i) => ({
        id: `w${i}`,
        kind: 'llm' as const,
        prompt: `Summarise section ${i}.`,
        sim: { latencyMs: lo + Math.floor(rand() * (hi - lo + 1)) },
      })),
    ],
    edges: Array.from({ length: nodes }, (_, i) => ({ source: 'go', target: `w${i}` })),
  } as DagSpec;
};

const percentiles = (h: Array<[number, number]>): Pct => {
  const n = h.reduce((a, [, c]) => a + c, 0);
  const at = (q: number) => {
    const want = Math.ceil(q * n);
    let seen = 0;
    for (const [ms, c] of h) {
      seen += c;
      if (seen >= want) return ms;
    }
    return h[h.length - 1]?.[0] ?? 0;
  };
  return { n, p50: at(0.5), p99: at(0.99), max: h[h.length - 1]?.[0] ?? 0 };
};

export const runStreamBench = async (o: StreamOptions): Promise<StreamResult> => {
  const token = `lf_bench_${randomBytes(12).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'laneflow-sse-bench-'));
  let cluster = o.cluster;
  const ownCluster = o.backend === 'postgres' && !cluster;
  if (ownCluster) cluster = await startPgCluster({ database: 'laneflow_sse' });
  const databaseUrl =
    o.backend === 'postgres'
      ? await (cluster as PgCluster).createDatabase(`sse_${randomBytes(4).toString('hex')}`)
      : undefined;
  const t0 = performance.now();
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(dir, 'data'),
    ...(databaseUrl && { databaseUrl }),
    ladder: defaultLadder,
    corsOrigins: [],
    // The DAG document of ~6,700 nodes is ~0.6 MB, over the 1 MiB default with room to spare.
    maxBodyBytes: 16 * 1024 * 1024,
    tokensEnv: `bench:admin:${token}`,
    loadExamples: false,
  });
  o.log(`${o.backend}: server up at ${server.url} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const api = apiClient(server.url, token);

  const child = fork(join(here, 'watchers.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Array<{ type: string; at?: number }> = [];
  const waiters: Array<() => void> = [];
  child.on('message', (m: { type: string }) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  child.on('exit', () => {
    messages.push({ type: 'exit' });
    for (const w of waiters.splice(0)) w();
  });
  const next = async (type: string) => {
    for (;;) {
      const m = messages.find((x) => x.type === type);
      if (m) return m;
      if (messages.some((x) => x.type === 'exit')) throw new Error(`watcher process exited before "${type}"`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  try {
    await next('ready');
    const tCreate = Date.now();
    const { runId } = (await api('POST', '/api/runs', { dag: benchDag(o.nodes, o.latencyMs) })) as {
      runId: string;
    };
    const handle = server.runs.live(runId);
    if (!handle) throw new Error('run is not live');
    // Quiescent: the approval is pending and committed.
    const approvalId = await awaitApproval(handle);
    const quiescentSeq = handle.signals.length;
    child.send({
      type: 'start',
      url: server.url,
      token,
      runId,
      watchers: o.watchers,
      quiescentSeq,
    } satisfies WatchStart);
    const connected = (await next('connected')).at as number;
    const caughtUp = (await next('caughtUp')).at as number;
    o.log(
      `${o.watchers} watchers: headers ${connected - tCreate} ms, caught up with ${quiescentSeq} signals ${caughtUp - tCreate} ms after the run was created`,
    );

    // Commit latency: `at` → delivered to the run's subscribers (committed), in this process.
    const commitHist = new Map<number, number>();
    handle.subscribe((sig) => {
      const ms = Date.now() - Date.parse(sig.at);
      commitHist.set(ms, (commitHist.get(ms) ?? 0) + 1);
    });
    let batchCount = 0;
    let batchSum = 0;
    let batchMax = 0;
    let open = 0;
    // Signals delivered in one synchronous burst were committed in one batch.
    handle.subscribe(() => {
      if (open === 0)
        queueMicrotask(() => {
          batchCount++;
          batchSum += open;
          batchMax = Math.max(batchMax, open);
          open = 0;
        });
      open++;
    });
    const queries: Record<string, number> = {};
    if (o.countQueries) {
      // The store calls db.query / db.transaction on this object at call time: wrap them to count.
      type Query = (t: string, p?: unknown[]) => Promise<unknown[]>;
      const db = server.store.db as unknown as {
        query: Query;
        transaction: (fn: (tx: { query: Query }) => Promise<unknown>) => Promise<unknown>;
      };
      const key = (t: string) => t.trim().split(/\s+/).slice(0, 3).join(' ');
      const count = (t: string) => {
        queries[key(t)] = (queries[key(t)] ?? 0) + 1;
      };
      const query = db.query.bind(db);
      const transaction = db.transaction.bind(db);
      db.query = (t, p) => {
        count(t);
        return query(t, p);
      };
      db.transaction = (fn) => {
        queries.transaction = (queries.transaction ?? 0) + 1;
        return transaction((tx) =>
          fn({
            query: (t: string, p?: unknown[]) => {
              count(t);
              return tx.query(t, p);
            },
          }),
        );
      };
    }
    const eld = monitorEventLoopDelay({ resolution: 5 });
    let session: Session | undefined;
    if (o.profile) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 500 });
      await session.post('Profiler.start');
    }
    eld.enable();
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await api('POST', `/api/runs/${runId}/approvals/${approvalId}`, { decision: 'approved' });
    const result = await handle.result;
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - w0;
    eld.disable();
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      writeFileSync(o.profile as string, JSON.stringify(profile));
      o.log(`CPU profile of the server process (live window) written to ${o.profile}`);
    }
    if (result.status !== 'succeeded') throw new Error(`run ${result.status}`);

    const done = (await next('done')) as unknown as WatchDone;
    const signals = await server.store.allSignals(runId);
    const n = signals.length;
    const decided = signals.find((s) => s.type === 'approval.decided') as Signal;
    const liveSignals = signals.filter((s) => s.seq > decided.seq);
    const tA = Date.parse(decided.at);
    const seconds = (Date.parse((signals[n - 1] as Signal).at) - tA) / 1000;
    const perSecond = new Map<number, number>();
    for (const s of liveSignals) {
      const k = Math.floor((Date.parse(s.at) - tA) / 1000);
      perSecond.set(k, (perSecond.get(k) ?? 0) + 1);
    }
    // Whole seconds only (the last one is partial).
    const full = [...perSecond.entries()]
      .filter(([k]) => k < Math.floor(seconds))
      .map(([, c]) => c)
      .sort((a, b) => a - b);
    const bad = done.watchers
      .map((w, index) => ({ ...w, index }))
      .filter(
        (w) =>
          w.error ||
          w.received !== n ||
          w.firstSeq !== 1 ||
          w.lastSeq !== n ||
          w.outOfOrder > 0 ||
          w.endLastSeq !== n,
      );
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      backend: o.backend,
      watchers: o.watchers,
      nodes: o.nodes,
      signals: n,
      rate: {
        mean: Math.round(liveSignals.length / seconds),
        perSecond: {
          min: full[0] ?? 0,
          median: full[full.length >> 1] ?? 0,
          max: full[full.length - 1] ?? 0,
        },
        seconds,
      },
      latency: { live: percentiles(done.live), all: percentiles(done.all) },
      commitLatency: percentiles([...commitHist.entries()].sort((a, b) => a[0] - b[0])),
      watcherEventLoopDelayMs: done.eventLoopDelayMs,
      exact: bad.length === 0,
      badWatchers: bad.slice(0, 5),
      connectMs: connected - tCreate,
      catchUpMs: caughtUp - tCreate,
      serverCpuPct: (cpuMs / wallMs) * 100,
      serverCpuUsPerDelivery: o.watchers ? (cpuMs * 1000) / (liveSignals.length * o.watchers) : 0,
      watcherCpuPct: (done.cpuMs / done.wallMs) * 100,
      eventLoopDelayMs: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 },
      batches: { count: batchCount, meanSize: batchCount ? batchSum / batchCount : 0, maxSize: batchMax },
      loadAvg: (await import('node:os')).loadavg()[0] as number,
      ...(o.countQueries && { queries }),
    };
  } finally {
    child.kill();
    await server.close();
    if (ownCluster) await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};
