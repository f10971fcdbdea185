/**
 * (1) Signals committed per second through the server's store (`createStore(db).appendSignals`), on
 * PGlite and on PostgreSQL, with group commit (one transaction per batch of 100 or 500 signals, as the
 * executor's log hands them over under load) and without (one transaction per signal).
 *
 * Every run row is created first (`store.createRun`, untimed); then `concurrency` workers each take
 * the next run and append its signals batch by batch, in order (a run's log appends one batch at a
 * time; different runs append in parallel), until the time is up. Figures are committed signals per
 * wall-clock second, over fresh tables each repetition.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signal } from '@laneflow/core';
import { createStore, migrate, openPglite, openPostgres } from '@laneflow/server';
import { startPgCluster } from '../../../apps/server/test/pg-cluster.ts';
import { runSignals } from '../run-signals.ts';
import { appendSignalsJson } from './proposal/append-json.ts';
import { batches, fanoutDag, median } from './workload.ts';

export type CommitBackend = 'pglite' | 'pglite-mem' | 'postgres';
type Store = ReturnType<typeof createStore>;

export interface CommitCell {
  backend: CommitBackend;
  variant: 'store' | 'json';
  /** Signals per transaction: 1 = group commit off. */
  batch: number;
  concurrency: number;
  /** Signals/s of each repetition. */
  reps: number[];
  median: number;
  /** Signals committed in the median repetition, and its wall time. */
  signals: number;
  seconds: number;
  /**
   * CPU µs per committed signal (median over reps): the bench process (client + `appendSignals`;
   * for PGlite this includes the database), and for PostgreSQL its server processes. Less sensitive
   * to other jobs on the machine than the wall-clock rate.
   */
  clientCpuUs: number;
  dbCpuUs: number | null;
}

/** CPU ms used so far by a PostgreSQL cluster: the postmaster and all its children (from /proc). */
export const clusterCpuMs = (dataDir: string): number => {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return 0;
  const root = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const tick = 10; // ms per clock tick (USER_HZ = 100)
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(d);
    const ppid = Number(f[1]);
    // utime + stime; the postmaster's cutime + cstime also keep the CPU of backends that exited.
    if (pid === root) total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * tick;
    else if (ppid === root) total += (Number(f[11]) + Number(f[12])) * tick;
  }
  return total;
};

export interface CommitOptions {
  backends: CommitBackend[];
  batchSizes: number[];
  concurrency: number[];
  reps: number;
  /** Seconds each measurement appends for. */
  seconds: number;
  /** Nodes per run (4 signals each + 2). */
  nodesPerRun: number;
  /** `store`: the server's appendSignals; `json`: the proposal in proposal/append-json.ts. */
  variant?: 'store' | 'json';
  log: (line: string) => void;
}

const NODES_DEFAULT = 250;

/** Fresh tables, then `count` run rows; returns their ids. */
const prepare = async (store: Store, count: number, nodes: number, tag: string): Promise<string[]> => {
  await store.db.query('truncate table signals, approvals, runs');
  const dag = fanoutDag('bench', nodes);
  const ids = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
  for (const id of ids) await store.createRun({ id, dag, dagVersion: 1, createdBy: 'bench' });
  return ids;
};

/** One measurement: returns [signals committed, seconds]. */
const measure = async (
  append: (runId: string, batch: readonly Signal[]) => Promise<void>,
  ids: string[],
  template: Signal[],
  batch: number,
  concurrency: number,
  seconds: number,
  dbCpu: () => number,
): Promise<[number, number, number, number]> => {
  let next = 0;
  let committed = 0;
  let ranOut = false;
  const c0 = process.cpuUsage();
  const d0 = dbCpu();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const id = ids[next++];
      if (id === undefined) {
        ranOut = true;
        return;
      }
      const signals = template.map((s) => ({ ...s, runId: id }) as Signal);
      for (const b of batches(signals, batch)) {
        if (performance.now() >= deadline) return;
        await append(id, b);
        committed += b.length;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const clientMs = (c.user + c.system) / 1000;
  const dbMs = dbCpu() - d0;
  if (ranOut && elapsed < seconds * 0.5)
    throw new Error(`ran out of runs after ${elapsed.toFixed(1)} s: raise the pool`);
  return [committed, elapsed, clientMs, dbMs];
};

/** Guess of the most signals/s a cell could reach, to size the pool of run rows. */
const ceiling = (backend: CommitBackend, batch: number) =>
  batch === 1 ? (backend === 'postgres' ? 15_000 : 8_000) : backend === 'postgres' ? 150_000 : 80_000;

export const runCommitBench = async (o: CommitOptions): Promise<CommitCell[]> => {
  const nodes = o.nodesPerRun || NODES_DEFAULT;
  const cells: CommitCell[] = [];
  for (const backend of o.backends) {
    let close: () => Promise<void>;
    let store: Store;
    let dbCpu = () => 0;
    const t0 = performance.now();
    if (backend === 'postgres') {
      const cluster = await startPgCluster({ database: 'laneflow_bench' });
      const db = await openPostgres(cluster.url);
      store = createStore(db);
      dbCpu = () => clusterCpuMs(join(cluster.dir, 'data'));
      close = async () => {
        await db.close();
        await cluster.stop();
      };
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'laneflow-bench-'));
      const db = await openPglite(backend === 'pglite-mem' ? 'memory://' : join(dir, 'data'));
      store = createStore(db);
      close = async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      };
    }
    await migrate(store.db);
    o.log(`${backend}: opened and migrated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    try {
      for (const concurrency of o.concurrency)
        for (const batch of o.batchSizes) {
          const template = runSignals('template', nodes);
          const poolSize =
            Math.ceil((ceiling(backend, batch) * o.seconds * 1.5) / template.length) + concurrency;
          const reps: Array<[number, number, number, number]> = [];
          for (let r = 0; r < o.reps; r++) {
            const ids = await prepare(store, poolSize, nodes, `b${batch}-c${concurrency}-r${r}`);
            const append = o.variant === 'json' ? appendSignalsJson(store) : store.appendSignals;
            const [n, s, clientMs, dbMs] = await measure(
              append,
              ids,
              template,
              batch,
              concurrency,
              o.seconds,
              dbCpu,
            );
            // Sanity: what was committed is what we counted.
            const [row] = await store.db.query<{ n: string | number }>('select count(*) as n from signals');
            if (Number(row?.n) !== n) throw new Error(`counted ${n} signals, table has ${row?.n}`);
            reps.push([n, s, clientMs, dbMs]);
            o.log(
              `${backend} batch=${batch} concurrency=${concurrency} rep ${r + 1}: ${n} signals in ${s.toFixed(2)} s = ${Math.round(n / s)}/s; CPU µs/signal: bench ${((clientMs * 1000) / n).toFixed(1)}${backend === 'postgres' ? `, postgres ${((dbMs * 1000) / n).toFixed(1)}` : ''}`,
            );
          }
          const rates = reps.map(([n, s]) => n / s);
          const med = median(rates);
          const at = reps[
            rates.indexOf(rates.reduce((a, b) => (Math.abs(b - med) < Math.abs(a - med) ? b : a)))
          ] ?? [0, 0, 0, 0];
          cells.push({
            backend,
            variant: o.variant ?? 'store',
            batch,
            concurrency,
            reps: rates.map(Math.round),
            median: Math.round(med),
            signals: at[0],
            seconds: at[1],
            clientCpuUs: median(reps.map(([n, , c]) => (c * 1000) / n)),
            dbCpuUs: backend === 'postgres' ? median(reps.map(([n, , , d]) => (d * 1000) / n)) : null,
          });
        }
    } finally {
      await close();
    }
  }
  return cells;
};

/** The largest batch one `appendSignals` call accepts on this backend (bind-parameter limit probe). */
export const probeMaxBatch = async (store: Store, sizes: number[]): Promise<Record<number, string>> => {
  const out: Record<number, string> = {};
  for (const size of sizes) {
    const [id] = await prepare(store, 1, 10, `probe${size}`);
    const sigs = runSignals(id as string, Math.ceil(size / 4)).slice(0, size);
    try {
      await store.appendSignals(id as string, sigs);
      out[size] = 'ok';
    } catch (err) {
      out[size] = (err as Error).message.slice(0, 120);
    }
  }
  return out;
};
