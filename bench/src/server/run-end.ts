/**
 * What a run's end costs the store now that it folds the run into its DAG's node history and cost
 * series in the same transaction (bench/server.md, "Run end"): the commit of a run's last signal
 * against the commit of the one before it, for runs of 1,000 and 10,000 sim nodes, on PGlite and
 * PostgreSQL.
 *
 *   pnpm --filter @laneflow/bench exec tsx src/server/run-end.ts [--nodes=1000,10000] [--reps=3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVirtualClock, defaultLadder, type Signal, startRun, validateDag } from '@laneflow/core';
import { createStore, migrate, openPglite, openPostgres } from '@laneflow/server';
import { startPgCluster } from '../../../apps/server/test/pg-cluster.ts';
import { median } from './workload.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = (flag('nodes') ?? '1000,10000').split(',').map(Number);
const reps = Number(flag('reps') ?? 3);

const runOf = async (nodes: number, runId: string) => {
  const parsed = validateDag({
    id: `wide${nodes}`,
    nodes: Array.from({ length: nodes }, (_, i) => ({
      id: `n${i}`,
      kind: 'llm',
      prompt: 'x',
      sim: { answer: 'a' },
    })),
  });
  if (!parsed.ok) throw new Error('invalid bench DAG');
  const clock = createVirtualClock();
  const h = startRun(parsed.value, { runId, clock, ladder: defaultLadder, maxConcurrency: 64 });
  await h.result;
  clock.stop();
  return { dag: parsed.value, signals: [...h.signals] as Signal[] };
};

type Db = Awaited<ReturnType<typeof openPglite>>;

const timed = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

/** ms to commit the run's second-to-last signal, and its last (the run's end, history included). */
const measure = async (db: Db, nodes: number, rep: number) => {
  const store = createStore(db);
  const runId = `end-${nodes}-${rep}`;
  const { dag, signals } = await runOf(nodes, runId);
  await store.createRun({ id: runId, dag, dagVersion: null, createdBy: 'bench' });
  await store.appendSignals(runId, signals.slice(0, -2));
  const before = await timed(() => store.appendSignals(runId, signals.slice(-2, -1)));
  const end = await timed(() => store.appendSignals(runId, signals.slice(-1)));
  return { signals: signals.length, before, end };
};

const pg = await startPgCluster();
try {
  console.log(`load ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores; median of ${reps}`);
  console.log('| backend | nodes | signals | commit of a signal (ms) | commit of the run end (ms) |');
  console.log('| --- | --: | --: | --: | --: |');
  for (const backend of ['pglite', 'postgres'] as const)
    for (const nodes of sizes) {
      const dir = mkdtempSync(join(tmpdir(), 'laneflow-run-end-'));
      const db = backend === 'pglite' ? await openPglite(dir) : await openPostgres(pg.url);
      try {
        await migrate(db);
        const rows: Array<Awaited<ReturnType<typeof measure>>> = [];
        for (let rep = 0; rep < reps; rep++) rows.push(await measure(db, nodes, rep));
        const m = (k: 'before' | 'end') => median(rows.map((r) => r[k])).toFixed(0);
        console.log(`| ${backend} | ${nodes} | ${rows[0]?.signals} | ${m('before')} | ${m('end')} |`);
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  console.log(`load ${os.loadavg()[0]?.toFixed(1)} at the end`);
} finally {
  await pg.stop();
}
