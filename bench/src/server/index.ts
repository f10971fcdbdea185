/**
 * Server benchmark (bench/server.md):
 *
 *   (1) commit: signals committed per second through `createStore(db).appendSignals`, PGlite and
 *       PostgreSQL, group commit on (batches of 100 / 500) and off (one transaction per signal).
 *   (2) stream: 100 SSE watchers (their own process) on one run emitting ~2,000 signals/s through
 *       the real server; receipt latency (receipt − signal `at`) and seq exactness.
 *
 *   pnpm --filter @laneflow/bench bench:server [commit] [stream] [--reps=3] [--json]
 *     commit: [--backends=pglite,postgres] [--batches=1,100,500] [--concurrency=1,8] [--seconds=4]
 *             [--nodes-per-run=250] [--probe] [--variant=json]  (the proposed jsonb insert, proposal/append-json.ts)
 *     stream: [--stream-backends=pglite,postgres] [--watchers=100] [--nodes=6700] [--latency=6-14]
 *             [--profile=DIR]   (a CPU profile of the server process over each live window)
 *             [--count-queries] (count the store's SQL statements over the live window)
 *
 * With neither `commit` nor `stream`, both run. PostgreSQL is a throwaway cluster from
 * apps/server/test/pg-cluster.ts (which starts it with fsync=off).
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createStore, migrate, openPostgres } from '@laneflow/server';
import { startPgCluster } from '../../../apps/server/test/pg-cluster.ts';
import { type CommitBackend, probeMaxBatch, runCommitBench } from './commit.ts';
import { runStreamBench, type StreamBackend, type StreamResult } from './stream.ts';
import { median } from './workload.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = (name: string, def: string) => (flag(name) ?? def).split(',').filter(Boolean);
const nums = (name: string, def: string) => list(name, def).map(Number);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('-'));
const doCommit = wanted.length === 0 || wanted.includes('commit');
const doStream = wanted.length === 0 || wanted.includes('stream');
const reps = Number(flag('reps') ?? 3);
const log = (line: string) => console.error(`  ${line}`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(
  `# laneflow server bench — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);

if (doCommit) {
  const backends = list('backends', 'pglite,postgres') as CommitBackend[];
  const cells = await runCommitBench({
    backends,
    batchSizes: nums('batches', '1,100,500'),
    concurrency: nums('concurrency', '1,8'),
    reps,
    seconds: Number(flag('seconds') ?? 4),
    nodesPerRun: Number(flag('nodes-per-run') ?? 250),
    variant: flag('variant') === 'json' ? 'json' : 'store',
    log,
  });
  console.log(
    `\n## (1) signals committed per second (median of ${reps}; load average now ${os.loadavg()[0]?.toFixed(1)})${flag('variant') === 'json' ? " — PROPOSED jsonb insert (src/server/proposal/append-json.ts), not the server's appendSignals" : ''}\n`,
  );
  console.log(
    '| backend | group commit | signals / transaction | runs appending in parallel | signals/s (median) | reps | CPU µs / signal: bench process | CPU µs / signal: postgres |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const c of cells)
    console.log(
      `| ${c.backend} | ${c.batch === 1 ? 'off' : 'on'} | ${c.batch} | ${c.concurrency} | **${fmt(c.median)}** | ${c.reps.map(fmt).join(', ')} | ${c.clientCpuUs.toFixed(1)} | ${c.dbCpuUs === null ? '–' : c.dbCpuUs.toFixed(1)} |`,
    );
  if (json) console.log(JSON.stringify({ bench: 'server-commit', cells }));
  if (args.includes('--probe')) {
    const cluster = await startPgCluster({ database: 'laneflow_probe' });
    const db = await openPostgres(cluster.url);
    await migrate(db);
    const r = await probeMaxBatch(createStore(db), [10_000, 13_107, 13_108, 20_000]);
    console.log('\nLargest appendSignals batch on PostgreSQL (5 bind parameters per signal):');
    for (const [size, outcome] of Object.entries(r)) console.log(`- ${size} signals: ${outcome}`);
    await db.close();
    await cluster.stop();
  }
}

if (doStream) {
  const backends = list('stream-backends', 'pglite,postgres') as StreamBackend[];
  const watcherCounts = nums('watchers', '100');
  const nodes = Number(flag('nodes') ?? 6700);
  const [lo, hi] = (flag('latency') ?? '6-14').split('-').map(Number) as [number, number];
  const profileDir = flag('profile');
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const rows: Array<{ backend: StreamBackend; watchers: number; reps: StreamResult[] }> = [];
  const cluster = backends.includes('postgres')
    ? await startPgCluster({ database: 'laneflow_sse' })
    : undefined;
  try {
    for (const backend of backends)
      for (const watchers of watcherCounts) {
        const results: StreamResult[] = [];
        for (let r = 0; r < reps; r++) {
          const res = await runStreamBench({
            backend,
            watchers,
            nodes,
            latencyMs: [lo, hi],
            ...(cluster && { cluster }),
            ...(args.includes('--count-queries') && { countQueries: true }),
            ...(profileDir && {
              profile: join(profileDir, `server-${backend}-${watchers}w-rep${r + 1}.cpuprofile`),
            }),
            log,
          });
          log(
            `${backend} ${watchers} watchers rep ${r + 1}: ${fmt(res.rate.mean)} signals/s over ${res.rate.seconds.toFixed(1)} s, live p50/p99/max ${res.latency.live.p50}/${res.latency.live.p99}/${res.latency.live.max} ms (commit p50/p99 ${res.commitLatency.p50}/${res.commitLatency.p99} ms), exact ${res.exact}, server CPU ${res.serverCpuPct.toFixed(0)}% (${res.serverCpuUsPerDelivery.toFixed(1)} µs/delivery), load ${res.loadAvg.toFixed(1)}`,
          );
          if (res.queries) log(`store statements over the live window: ${JSON.stringify(res.queries)}`);
          results.push(res);
        }
        rows.push({ backend, watchers, reps: results });
      }
  } finally {
    await cluster?.stop();
  }
  const med = (rs: StreamResult[], f: (r: StreamResult) => number) => median(rs.map(f));
  console.log(
    `\n## (2) SSE watchers on one run (median of ${reps}; ${nodes} worker nodes, sim latency ${lo}-${hi} ms)\n`,
  );
  console.log(
    '| backend | watchers | signals N | achieved signals/s (mean; per-second min–max) | latency p50 / p99 / max (ms) | of which commit (at → committed) p50 / p99 | every watcher exactly 1..N | server CPU (% of a core; µs per delivery) | event-loop delay p99, server / watchers (ms) | commit batch mean / max | watchers caught up after (ms) | load avg |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { backend, watchers, reps: rs } of rows)
    console.log(
      `| ${backend} | ${watchers} | ${fmt(med(rs, (r) => r.signals))} | ${fmt(med(rs, (r) => r.rate.mean))} (${fmt(med(rs, (r) => r.rate.perSecond.min))}–${fmt(med(rs, (r) => r.rate.perSecond.max))}) | ${med(rs, (r) => r.latency.live.p50)} / **${med(rs, (r) => r.latency.live.p99)}** / ${med(rs, (r) => r.latency.live.max)} | ${med(rs, (r) => r.commitLatency.p50)} / ${med(rs, (r) => r.commitLatency.p99)} | ${rs.every((r) => r.exact) ? 'yes' : `no (${rs.filter((r) => !r.exact).length} of ${rs.length} reps)`} | ${med(rs, (r) => r.serverCpuPct).toFixed(0)}%; ${med(rs, (r) => r.serverCpuUsPerDelivery).toFixed(1)} | ${med(rs, (r) => r.eventLoopDelayMs.p99).toFixed(0)} / ${med(rs, (r) => r.watcherEventLoopDelayMs.p99).toFixed(0)} | ${med(rs, (r) => r.batches.meanSize).toFixed(0)} / ${med(rs, (r) => r.batches.maxSize)} | ${fmt(med(rs, (r) => r.catchUpMs))} | ${med(rs, (r) => r.loadAvg).toFixed(1)} |`,
    );
  console.log('\nPer repetition (latency p50/p99/max ms over live receipts; achieved signals/s):');
  for (const { backend, watchers, reps: rs } of rows)
    for (const [i, r] of rs.entries())
      console.log(
        `- ${backend} ${watchers}w rep ${i + 1}: ${r.latency.live.p50}/${r.latency.live.p99}/${r.latency.live.max} ms over ${fmt(r.latency.live.n)} receipts (commit p50/p99 ${r.commitLatency.p50}/${r.commitLatency.p99} ms; event-loop delay p99 server ${r.eventLoopDelayMs.p99.toFixed(0)} / watchers ${r.watcherEventLoopDelayMs.p99.toFixed(0)} ms); ${fmt(r.rate.mean)}/s; exact=${r.exact}; server CPU ${r.serverCpuPct.toFixed(0)}%, watchers CPU ${r.watcherCpuPct.toFixed(0)}%; load ${r.loadAvg.toFixed(1)}${r.badWatchers.length ? `; bad: ${JSON.stringify(r.badWatchers)}` : ''}`,
      );
  if (json) console.log(JSON.stringify({ bench: 'server-stream', rows }));
}
