/**
 * (3) What observability costs (bench/server.md): signals committed per second through the server's
 * store with the commit observers off, with Prometheus metrics, and with metrics + run traces + run
 * logs (spans exported over OTLP/HTTP to a sink in another process); then the SSE bench's live run
 * with tracing off and on. Variants alternate within each repetition so load drift hits them alike.
 *
 * Spans go out as the server sends them by default (OTLP/HTTP protobuf; OTEL_EXPORTER_OTLP_PROTOCOL=
 * http/json for JSON, whose spans the sink counts).
 *
 *   npx tsx src/server/observe.ts [--backends=pglite,postgres] [--batch=100] [--concurrency=8]
 *     [--seconds=4] [--reps=5] [--stream-reps=2] [--nodes=3000] [--watchers=30] [--no-stream]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signal } from '@laneflow/core';
import {
  createLogger,
  createMetrics,
  createStore,
  createTracing,
  migrate,
  notifyingStore,
  openPglite,
  openPostgres,
  runLog,
  timedStore,
} from '@laneflow/server';
import { startPgCluster } from '../../../apps/server/test/pg-cluster.ts';
import { runSignals } from '../run-signals.ts';
import { runStreamBench, type StreamResult } from './stream.ts';
import { batches, fanoutDag, median } from './workload.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const num = (name: string, def: number) => Number(flag(name) ?? def);
const log = (line: string) => console.error(`  ${line}`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () => os.loadavg()[0]?.toFixed(1);

/** The OTLP sink process; resolves with its URL and a stop that reports what it received. */
const startSink = async () => {
  const child: ChildProcess = fork(join(import.meta.dirname, 'otlp-sink.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  process.once('exit', () => child.kill());
  let out = '';
  const url = await new Promise<string>((resolve) =>
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    }),
  );
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      return /spans .*/.exec(out)?.[0] ?? '?';
    },
  };
};

const sink = await startSink();
// The standard variables, as an operator would set them; the queue is large enough that no span of
// the bench is dropped (a dropped span would make tracing look cheaper than it is).
Object.assign(process.env, {
  OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
  OTEL_BSP_SCHEDULE_DELAY: '200',
  OTEL_BSP_MAX_QUEUE_SIZE: '200000',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
});
const devNull = { write() {} };

console.log(
  `# laneflow observability overhead — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);

// ---- (3a) commit throughput ------------------------------------------------------------------------
type Variant = 'off' | 'metrics' | 'metrics+traces+logs';
const variants: Variant[] = ['off', 'metrics', 'metrics+traces+logs'];
const batch = num('batch', 100);
const concurrency = num('concurrency', 8);
const seconds = num('seconds', 4);
const reps = num('reps', 5);
const nodes = 250;
const rows: Array<{ backend: string; variant: Variant; rates: number[]; cpuUs: number[] }> = [];

for (const backend of (flag('backends') ?? 'pglite').split(',')) {
  const dir = mkdtempSync(join(tmpdir(), 'laneflow-observe-bench-'));
  const cluster = backend === 'postgres' ? await startPgCluster({ database: 'laneflow_observe' }) : undefined;
  const db = cluster ? await openPostgres(cluster.url) : await openPglite(join(dir, 'data'));
  const store = createStore(db);
  await migrate(db);
  const metrics = createMetrics({ activeRuns: () => 0, approvalsWaiting: async () => 0 });
  const tracing = createTracing({
    env: process.env,
    version: 'bench',
    history: (runId, before) => store.signals(runId, 0, before - 1),
    log: createLogger({ LANEFLOW_LOG_LEVEL: 'warn' }, devNull),
  });
  if (!tracing) throw new Error('tracing did not start');
  const logRun = runLog(createLogger({ LANEFLOW_LOG_LEVEL: 'info' }, devNull), tracing.traceIdOf);
  const appenders: Record<Variant, (runId: string, b: readonly Signal[]) => Promise<void>> = {
    off: store.appendSignals,
    metrics: notifyingStore(timedStore(store, metrics), metrics.onCommitted).appendSignals,
    'metrics+traces+logs': notifyingStore(timedStore(store, metrics), (runId, b) => {
      metrics.onCommitted(runId, b);
      tracing.onCommitted(runId, b);
      logRun(runId, b);
    }).appendSignals,
  };
  const template = runSignals('template', nodes);
  const cells = new Map(variants.map((v) => [v, { rates: [] as number[], cpuUs: [] as number[] }]));
  for (let r = 0; r < reps; r++)
    for (const variant of variants) {
      await db.query('truncate table signals, approvals, runs cascade');
      const pool = Math.ceil((80_000 * seconds) / template.length) + concurrency;
      const dag = fanoutDag('bench', nodes);
      const ids = Array.from({ length: pool }, (_, i) => `${variant}-${r}-${i}`);
      for (const id of ids) await store.createRun({ id, dag, dagVersion: 1, createdBy: 'bench' });
      let next = 0;
      let committed = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const deadline = t0 + seconds * 1000;
      const worker = async () => {
        for (let id = ids[next++]; id !== undefined && performance.now() < deadline; id = ids[next++])
          for (const b of batches(
            template.map((s) => ({ ...s, runId: id }) as Signal),
            batch,
          )) {
            if (performance.now() >= deadline) return;
            await appenders[variant](id, b);
            committed += b.length;
          }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      const cell = cells.get(variant) as { rates: number[]; cpuUs: number[] };
      cell.rates.push(committed / elapsed);
      cell.cpuUs.push((cpu.user + cpu.system) / committed);
      log(
        `${backend} ${variant} rep ${r + 1}: ${fmt(committed / elapsed)} signals/s, ${((cpu.user + cpu.system) / committed).toFixed(1)} µs CPU/signal, load ${load()}`,
      );
    }
  for (const v of variants)
    rows.push({ backend, variant: v, ...(cells.get(v) as { rates: number[]; cpuUs: number[] }) });
  await tracing.shutdown();
  await db.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `\n## (3a) signals committed per second, observers off / on (median of ${reps}; batches of ${batch}, ${concurrency} runs appending; load average now ${load()})\n`,
);
console.log(
  '| backend | observers | signals/s (median) | vs off | reps | bench-process CPU µs / signal (median) |',
);
console.log('|---|---|---|---|---|---|');
for (const row of rows) {
  const off = median(rows.find((x) => x.backend === row.backend && x.variant === 'off')?.rates ?? [1]);
  const m = median(row.rates);
  console.log(
    `| ${row.backend} | ${row.variant} | **${fmt(m)}** | ${row.variant === 'off' ? '–' : `${(((m - off) / off) * 100).toFixed(1)} %`} | ${row.rates.map(fmt).join(', ')} | ${median(row.cpuUs).toFixed(1)} |`,
  );
}

// ---- (3c) the observers alone: CPU per signal without a store ----------------------------------------
{
  const metrics = createMetrics({ activeRuns: () => 0, approvalsWaiting: async () => 0 });
  const tracing = createTracing({
    env: process.env,
    version: 'bench',
    history: async () => [],
    log: createLogger({ LANEFLOW_LOG_LEVEL: 'warn' }, devNull),
  });
  if (!tracing) throw new Error('tracing did not start');
  const logRun = runLog(createLogger({ LANEFLOW_LOG_LEVEL: 'info' }, devNull), tracing.traceIdOf);
  const template = runSignals('template', nodes);
  const runs = 40;
  const measureCpu = (observe: (runId: string, b: readonly Signal[]) => void) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      const id = `cpu-${i}-${Math.random()}`;
      for (const b of batches(
        template.map((s) => ({ ...s, runId: id }) as Signal),
        batch,
      ))
        observe(id, b);
    }
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / (runs * template.length);
  };
  const m = median([1, 2, 3].map(() => measureCpu(metrics.onCommitted)));
  const l = median([1, 2, 3].map(() => measureCpu(logRun)));
  // Traces once, through the export of every span (the batch processor exports on timers, so the
  // flush at shutdown is counted in).
  const c0 = process.cpuUsage();
  measureCpu(tracing.onCommitted);
  await tracing.shutdown();
  const c = process.cpuUsage(c0);
  const t = (c.user + c.system) / (runs * template.length);
  console.log(
    `\n## (3c) the observers alone, CPU µs per signal (median of 3 × ${runs} runs of ${template.length} signals, batches of ${batch}; traces: one pass, including the OTLP export of every span)\n`,
  );
  console.log('| metrics | traces | run logs |');
  console.log('|---|---|---|');
  console.log(`| ${m.toFixed(2)} | ${t.toFixed(2)} | ${l.toFixed(2)} |`);
}

// ---- (3b) the SSE bench's live run, tracing off / on ----------------------------------------------
if (!args.includes('--no-stream')) {
  const streamReps = num('stream-reps', 2);
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const results: Record<'off' | 'on', StreamResult[]> = { off: [], on: [] };
  for (let r = 0; r < streamReps; r++)
    for (const mode of ['off', 'on'] as const) {
      if (mode === 'on') process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
      else delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      const res = await runStreamBench({
        backend: 'pglite',
        watchers: num('watchers', 30),
        nodes: num('nodes', 3000),
        latencyMs: [6, 14],
        log,
      });
      results[mode].push(res);
      log(
        `stream tracing ${mode} rep ${r + 1}: ${fmt(res.rate.mean)} signals/s, live p50/p99 ${res.latency.live.p50}/${res.latency.live.p99} ms, server CPU ${res.serverCpuPct.toFixed(0)}%, exact ${res.exact}, load ${res.loadAvg.toFixed(1)}`,
      );
    }
  const med = (rs: StreamResult[], f: (x: StreamResult) => number) => median(rs.map(f));
  console.log(
    `\n## (3b) SSE live run (PGlite, ${num('watchers', 30)} watchers, ${num('nodes', 3000)} nodes; metrics on in both; median of ${streamReps})\n`,
  );
  console.log(
    '| tracing | achieved signals/s | latency p50 / p99 (ms) | server CPU (% of a core) | every watcher exactly 1..N | load avg |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const mode of ['off', 'on'] as const) {
    const rs = results[mode];
    console.log(
      `| ${mode} | ${fmt(med(rs, (x) => x.rate.mean))} | ${med(rs, (x) => x.latency.live.p50)} / ${med(rs, (x) => x.latency.live.p99)} | ${med(rs, (x) => x.serverCpuPct).toFixed(0)}% | ${rs.every((x) => x.exact) ? 'yes' : 'no'} | ${med(rs, (x) => x.loadAvg).toFixed(1)} |`,
    );
  }
}
console.log(
  `\nOTLP protocol ${process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf'}; the sink received: ${await sink.stop()} (spans are counted in JSON payloads only)`,
);
process.exit(0);
