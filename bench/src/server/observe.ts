/**
 * (3) What observability costs (bench/server.md): signals committed per second through the server's
 * store with the commit observers off, with Prometheus metrics, and with metrics + run traces + run
 * logs (spans exported over OTLP/HTTP to a sink in another process), the traces both as the server
 * exports them (written to protobuf as each span ends) and as OpenTelemetry SDK spans through the
 * SDK's batch processor and OTLP exporter, as the server did before; then the SSE bench's live run
 * with tracing off and on. Variants alternate within each repetition, and each repetition starts one
 * variant later, so load drift and position hit them alike. CPU is counted for the whole process (every thread; a variant's spans are flushed
 * before it is read) and for the main thread alone, the one that commits.
 *
 * Spans go out as the server sends them by default (OTLP/HTTP protobuf; OTEL_EXPORTER_OTLP_PROTOCOL=
 * http/json for JSON, whose spans the sink counts).
 *
 *   npx tsx --expose-gc src/server/observe.ts [--backends=pglite,postgres] [--batch=100] [--concurrency=8]
 *     [--seconds=4] [--reps=5] [--stream-reps=2] [--nodes=3000] [--watchers=30] [--no-stream]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
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
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { attemptSpan } from '../../../apps/server/src/observe/attempt-span.ts';
import { modelCallSpan } from '../../../apps/server/src/observe/model-call.ts';
import { createRunSpans } from '../../../apps/server/src/observe/run-spans.ts';
import { fromRunSpan } from '../../../apps/server/src/observe/sdk-span.ts';
import { spanResource } from '../../../apps/server/src/observe/span-exporter.ts';
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
/** This process's main-thread CPU time in µs (Linux: utime + stime of the main task, 10 ms ticks). */
const mainCpuUs = () => {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / 100;
};
/**
 * A full collection before each measurement (with `--expose-gc`), so a variant does not pay for the
 * garbage the one before it left: the SDK-span variant leaves the most.
 */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
/** The main thread's garbage-collection pauses, as start and duration (ms, `performance.now()`). */
let pauses: Array<[number, number]> = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push([e.startTime, e.duration]);
}).observe({ entryTypes: ['gc'] });
/**
 * Milliseconds of pauses that began in [from, to). Entries arrive on a later turn of the event loop,
 * late when the loop is busy (PGlite runs on it), so they are read by time, after a pause to land.
 */
const gcPausesMs = async (from: number, to: number) => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const ms = pauses.filter(([at]) => at >= from && at < to).reduce((sum, [, d]) => sum + d, 0);
  pauses = pauses.filter(([at]) => at >= to);
  return ms;
};
const processCpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** Traces as the server made them before: SDK spans through the SDK's batch processor and exporter. */
const sdkTracing = () => {
  const resource = spanResource('bench');
  const scope = { name: 'laneflow', version: 'bench' };
  const batch = new BatchSpanProcessor(new OTLPTraceExporter());
  const spans = createRunSpans({
    span: (s) => batch.onEnd(fromRunSpan(s, resource, scope)),
    attempt: (a) => batch.onEnd(fromRunSpan(attemptSpan(a), resource, scope)),
    modelCall: (c) => batch.onEnd(fromRunSpan(modelCallSpan(c), resource, scope)),
  });
  return {
    onCommitted: (_runId: string, b: readonly Signal[]) => spans.apply(b),
    flush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
};

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
// the bench is dropped (a dropped span would make tracing look cheaper than it is), and export
// batches are large enough that a flush of that queue stays within the exporter's limit of
// concurrent requests (with the default 512 a flush fails with "Concurrent export limit reached").
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
const BEFORE = 'metrics+traces+logs, as SDK spans (before)';
type Variant = 'off' | 'metrics' | typeof BEFORE | 'metrics+traces+logs';
const variants: Variant[] = ['off', 'metrics', BEFORE, 'metrics+traces+logs'];
const batch = num('batch', 100);
const concurrency = num('concurrency', 8);
const seconds = num('seconds', 4);
const reps = num('reps', 5);
const nodes = 250;
interface Cell {
  rates: number[];
  cpuUs: number[];
  mainUs: number[];
  gcUs: number[];
}
const rows: Array<{ backend: string; variant: Variant } & Cell> = [];

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
  const before = sdkTracing();
  const logRun = runLog(createLogger({ LANEFLOW_LOG_LEVEL: 'info' }, devNull), tracing.traceIdOf);
  const observed = (traces: { onCommitted: (runId: string, b: readonly Signal[]) => void }) =>
    notifyingStore(timedStore(store, metrics), (runId, b) => {
      metrics.onCommitted(runId, b);
      traces.onCommitted(runId, b);
      logRun(runId, b);
    }).appendSignals;
  const appenders: Record<Variant, (runId: string, b: readonly Signal[]) => Promise<void>> = {
    off: store.appendSignals,
    metrics: notifyingStore(timedStore(store, metrics), metrics.onCommitted).appendSignals,
    [BEFORE]: observed(before),
    'metrics+traces+logs': observed(tracing),
  };
  const flushes: Partial<Record<Variant, () => Promise<void>>> = {
    [BEFORE]: before.flush,
    'metrics+traces+logs': tracing.flush,
  };
  const template = runSignals('template', nodes);
  const cells = new Map<Variant, Cell>(
    variants.map((v) => [v, { rates: [], cpuUs: [], mainUs: [], gcUs: [] }]),
  );
  for (let r = 0; r < reps; r++)
    // Each repetition starts with the next variant, so none always runs first or after the same one.
    for (const variant of [
      ...variants.slice(r % variants.length),
      ...variants.slice(0, r % variants.length),
    ]) {
      await db.query('truncate table signals, approvals, runs cascade');
      const pool = Math.ceil((80_000 * seconds) / template.length) + concurrency;
      const dag = fanoutDag('bench', nodes);
      const ids = Array.from({ length: pool }, (_, i) => `${variant}-${r}-${i}`);
      for (const id of ids) await store.createRun({ id, dag, dagVersion: 1, createdBy: 'bench' });
      let next = 0;
      let committed = 0;
      collect();
      const c0 = processCpuUs();
      const m0 = mainCpuUs();
      const t0 = performance.now();
      const deadline = t0 + seconds * 1000;
      /** The batches runs cut off by the deadline did not commit. */
      const unfinished: Array<{ id: string; rest: Signal[][] }> = [];
      const worker = async () => {
        for (let id = ids[next++]; id !== undefined && performance.now() < deadline; id = ids[next++]) {
          const all = batches(
            template.map((s) => ({ ...s, runId: id }) as Signal),
            batch,
          );
          for (const [i, b] of all.entries()) {
            if (performance.now() >= deadline) {
              unfinished.push({ id, rest: all.slice(i) });
              return;
            }
            await appenders[variant](id, b);
            committed += b.length;
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const elapsed = (performance.now() - t0) / 1000;
      // The variant's spans still queued are exported on its account, not the next variant's.
      await flushes[variant]?.();
      const main = (mainCpuUs() - m0) / committed;
      const cpu = (processCpuUs() - c0) / committed;
      const gcMs = await gcPausesMs(t0, performance.now());
      // Runs end, untimed, as a server's do: a run left open would keep its spans in memory for
      // the rest of the bench, and each repetition would leave more.
      for (const run of unfinished) for (const b of run.rest) await appenders[variant](run.id, b);
      await flushes[variant]?.();
      const cell = cells.get(variant) as Cell;
      cell.rates.push(committed / elapsed);
      cell.cpuUs.push(cpu);
      cell.mainUs.push(main);
      cell.gcUs.push((gcMs * 1000) / committed);
      log(
        `${backend} ${variant} rep ${r + 1}: ${fmt(committed / elapsed)} signals/s, CPU µs/signal ${cpu.toFixed(1)} (main thread ${main.toFixed(1)}), load ${load()}`,
      );
    }
  for (const v of variants) rows.push({ backend, variant: v, ...(cells.get(v) as Cell) });
  await tracing.shutdown();
  await before.shutdown();
  await db.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `\n## (3a) signals committed per second, observers off / on (median of ${reps}; batches of ${batch}, ${concurrency} runs appending; load average now ${load()})\n`,
);
console.log(
  '| backend | observers | signals/s (median) | vs off | vs off, paired (median of the repetitions) | reps | CPU µs / signal: process / main thread (median) | GC pauses, µs / signal (median) |',
);
console.log('|---|---|---|---|---|---|---|---|');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
for (const row of rows) {
  const offRates = rows.find((x) => x.backend === row.backend && x.variant === 'off')?.rates ?? [];
  const off = median(offRates);
  const m = median(row.rates);
  // Each repetition against "off" in the same repetition: drift across repetitions cancels out.
  const paired = median(row.rates.map((r, i) => r / (offRates[i] ?? r) - 1));
  const vs = row.variant === 'off' ? ['–', '–'] : [pct((m - off) / off), pct(paired)];
  console.log(
    `| ${row.backend} | ${row.variant} | **${fmt(m)}** | ${vs[0]} | ${vs[1]} | ${row.rates.map(fmt).join(', ')} | ${median(row.cpuUs).toFixed(1)} / ${median(row.mainUs).toFixed(1)} | ${median(row.gcUs).toFixed(1)} |`,
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
  const before = sdkTracing();
  const logRun = runLog(createLogger({ LANEFLOW_LOG_LEVEL: 'info' }, devNull), tracing.traceIdOf);
  const template = runSignals('template', nodes);
  const runs = 100;
  const signals = runs * template.length;
  /** CPU µs per signal, process and main thread; the signals are made before the clock starts. */
  const measureCpu = async (
    observe: (runId: string, b: readonly Signal[]) => void,
    flush?: () => Promise<void>,
  ) => {
    const input = Array.from({ length: runs }, (_, i) => {
      const id = `cpu-${i}-${Math.random()}`;
      return {
        id,
        batches: [
          ...batches(
            template.map((s) => ({ ...s, runId: id }) as Signal),
            batch,
          ),
        ],
      };
    });
    collect();
    const c0 = processCpuUs();
    const m0 = mainCpuUs();
    // One batch per event-loop turn, as a store's commits arrive.
    for (const run of input)
      for (const b of run.batches) {
        observe(run.id, b);
        await new Promise((resolve) => setImmediate(resolve));
      }
    await flush?.();
    return { process: (processCpuUs() - c0) / signals, main: (mainCpuUs() - m0) / signals };
  };
  const med3 = async (
    observe: (runId: string, b: readonly Signal[]) => void,
    flush?: () => Promise<void>,
  ) => {
    // A first pass warms the code up, uncounted.
    await measureCpu(observe, flush);
    const passes = [];
    for (let i = 0; i < 3; i++) passes.push(await measureCpu(observe, flush));
    return `${median(passes.map((p) => p.process)).toFixed(2)} / ${median(passes.map((p) => p.main)).toFixed(2)}`;
  };
  const m = await med3(metrics.onCommitted);
  const l = await med3(logRun);
  // Traces through the export of every span: each pass ends with a flush.
  const t = await med3(tracing.onCommitted, tracing.flush);
  const tBefore = await med3(before.onCommitted, before.flush);
  await tracing.shutdown();
  await before.shutdown();
  console.log(
    `\n## (3c) the observers alone, CPU µs per signal, process / main thread (median of 3 passes of ${runs} runs of ${template.length} signals after an uncounted one, batches of ${batch}; traces including the OTLP export of every span)\n`,
  );
  console.log('| metrics | run logs | traces | traces as SDK spans (before) |');
  console.log('|---|---|---|---|');
  console.log(`| ${m} | ${l} | ${t} | ${tBefore} |`);
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
