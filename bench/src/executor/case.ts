/**
 * One benchmark case in its own process: `case.ts ENGINE WORKLOAD N`. Prints one `sample <ms>` line per
 * measured run (so the parent can tell progress from a hang) and a final `result <json>` line.
 * Run with `--expose-gc` so every run starts from a collected heap.
 */
import { makeShape, type Workload, workloads } from './dags.ts';
import { type Engine, engines, prepare } from './engines.ts';

export interface CaseResult {
  engine: Engine;
  workload: Workload;
  n: number;
  edges: number;
  warmup: number;
  samplesMs: number[];
  medianMs: number;
  perNodeUs: number;
  /** Median process CPU time (all threads, GC helpers included) per node, µs: less sensitive to load. */
  cpuPerNodeUs: number;
  setupMs: number;
  /** Resident set after setup, before any run (MiB). */
  baseRssMiB: number;
  /** Peak resident set of the process over all runs, minus the base (MiB). */
  peakRssDeltaMiB: number;
  /** Heap that one finished run's result (handle, signals, view) keeps alive (MiB). */
  heapDeltaMiB: number;
}

const [engine, workload, nArg] = process.argv.slice(2) as [Engine, Workload, string];
if (!engines.includes(engine) || !workloads.includes(workload) || !Number(nArg)) {
  console.error('usage: case.ts floor|laneflow|langgraph chain|fanout|layered N');
  process.exit(2);
}
const n = Number(nArg);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const MiB = 1024 * 1024;

/** Enough runs for a stable median at every size, fewer where one run is long. */
const plan =
  n <= 100 ? { warmup: 20, runs: 31 } : n <= 1000 ? { warmup: 10, runs: 21 } : { warmup: 3, runs: 9 };
/** A run that takes longer than this is its own warm-up: JIT is noise next to it. */
const longRunMs = 5_000;
/** Stop measuring once this much time went into measured runs (at least one run is always kept). */
const budgetMs = 60_000;

const shape = makeShape(workload, n);
const prepared = await prepare(engine, shape);
gc();
const baseRss = process.memoryUsage().rss;

const cpuSamples: number[] = [];
const timed = async () => {
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await prepared.run();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpuSamples.push((c.user + c.system) / 1000);
  return ms;
};

const samples: number[] = [];
let warm = 0;
for (; warm < plan.warmup; warm++) {
  const ms = await timed();
  if (ms > longRunMs) {
    samples.push(ms);
    console.log(`sample ${ms.toFixed(3)}`);
    break;
  }
}
let spent = samples.reduce((a, b) => a + b, 0);
while (samples.length < plan.runs && (samples.length === 0 || spent < budgetMs)) {
  if (samples.length > 0 && (samples[0] as number) > longRunMs && samples.length >= 3) break;
  const ms = await timed();
  samples.push(ms);
  spent += ms;
  console.log(`sample ${ms.toFixed(3)}`);
}

// Memory held by one finished run (its signals, view, outputs): the heap with the run's result kept,
// minus the heap once it is let go, each after the pending callbacks ran and two full collections.
const settle = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
};
// Kept on the global object: a local that is never read again may be collected before the measurement.
const global = globalThis as { held?: unknown };
global.held = await prepared.run();
await settle();
const heapHeld = process.memoryUsage().heapUsed;
global.held = undefined;
await settle();
const heapDelta = heapHeld - process.memoryUsage().heapUsed;

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const medianMs = median(samples);
// The CPU times of the measured runs only (warm-up runs come first).
const cpuMs = median(cpuSamples.slice(cpuSamples.length - samples.length));
const result: CaseResult = {
  engine,
  workload,
  n,
  edges: shape.edges,
  warmup: warm,
  samplesMs: samples,
  medianMs,
  perNodeUs: (medianMs * 1000) / n,
  cpuPerNodeUs: (cpuMs * 1000) / n,
  setupMs: prepared.setupMs,
  baseRssMiB: baseRss / MiB,
  peakRssDeltaMiB: (process.resourceUsage().maxRSS * 1024 - baseRss) / MiB,
  heapDeltaMiB: heapDelta / MiB,
};
console.log(`result ${JSON.stringify(result)}`);
