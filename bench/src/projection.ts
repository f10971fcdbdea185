/**
 * Projection benchmark: how fast `projectRun` / `apply` fold a large run, and what the view costs in
 * heap. Signals are pre-built objects (no validation, no JSON) so only the fold is measured.
 *
 *   (a) projectRun throughput over a 1M-signal, 10k-node run: best and median of N timed folds
 *       after warm-up, in signals/s;
 *   (b) apply() cost per signal, overall and per kind of signal (each kind applied alone to a
 *       10k-node view);
 *   (c) heap: signals held (per 1M) and the view after the fold.
 *
 * Targets (an O(1) amortised fold; bench/README.md): >= 5M signals/s, 1M-signal fold < 0.5 s.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  apply,
  createRunView,
  defaultLadder,
  type EscalationRequest,
  projectRun,
  type RunView,
  type Signal,
  type SignalType,
} from '@laneflow/core';
import { prng } from './prng.ts';

export interface ProjectionBenchOptions {
  /** Signals in the run (default 1,000,000). */
  signals?: number;
  /** Nodes in the run, escalation children included (default 10,000). */
  nodes?: number;
  /** Timed folds after warm-up (default 5). */
  runs?: number;
  /** Untimed warm-up folds (default 2). */
  warmup?: number;
  /** Signals per apply() case in (b) (default 200,000). */
  perCase?: number;
  /** PRNG seed, so every run builds the same stream (default 42). */
  seed?: number;
}

/** Timings of one measured operation over several runs; CPU and wait where the OS reports them. */
export interface Stats {
  samples: Sample[];
  bestMs: number;
  medianMs: number;
  /** Main-thread CPU time of the fastest-CPU sample and the median one. */
  bestCpuMs?: number;
  medianCpuMs?: number;
  /** Time the main thread sat runnable but waiting for a CPU, summed over the samples. */
  waitMs?: number;
}

export interface ApplyCase {
  name: string;
  signals: number;
  stats: Stats;
}

export interface ProjectionBenchResult {
  node: string;
  cpus: string;
  loadavg: number[];
  signals: number;
  nodes: number;
  mix: Partial<Record<SignalType, number>>;
  buildMs: number;
  warmup: number;
  fold: Stats;
  applyCases: ApplyCase[];
  heap: {
    /** Heap held by the pre-built signal array, scaled to 1M signals. */
    signalsMiBPer1M: number;
    signalsBytesEach: number;
    /** Heap the view adds on top of the signals it folded (they stay referenced by the caller). */
    viewMiB: number;
    viewBytesPerNode: number;
    /** Heap still held by the view alone once the caller drops the signal array. */
    viewRetainedMiB: number;
  };
  targets: { signalsPerSec: number; foldMs: number; met: boolean };
}

const stats = (samples: Sample[]): Stats => {
  const wall = samples.map((x) => x.wall);
  const cpu = samples.flatMap((x) => (x.cpu === undefined ? [] : [x.cpu]));
  const wait = samples.flatMap((x) => (x.wait === undefined ? [] : [x.wait]));
  return {
    samples,
    bestMs: Math.min(...wall),
    medianMs: median(wall),
    ...(cpu.length === samples.length && { bestCpuMs: Math.min(...cpu), medianCpuMs: median(cpu) }),
    ...(wait.length === samples.length && { waitMs: wait.reduce((x, y) => x + y, 0) }),
  };
};

const TARGET_SIGNALS_PER_SEC = 5_000_000;
const TARGET_FOLD_MS = 500;

// ---------------------------------------------------------------------------------------------
// Helpers

/** `global.gc`, exposing it at run time when node was not started with `--expose-gc`. */
const getGc = (): (() => void) => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
};

const heapAfterGc = (gc: () => void): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Run-queue wait of the main thread (Linux): ms it was runnable but waiting for a CPU. On a
 * shared machine this says how much of a wall-clock sample belongs to other processes.
 */
const waitMs = (): number | undefined => {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return undefined;
  }
};

/** Times `f`: wall ms, process CPU ms (user + system, all threads) and main-thread run-queue wait. */
const timed = (f: () => void): Sample => {
  const w0 = waitMs();
  const c0 = process.cpuUsage();
  const t0 = nowMs();
  f();
  const wall = nowMs() - t0;
  const c = process.cpuUsage(c0);
  const w1 = waitMs();
  const cpu = (c.user + c.system) / 1000;
  return w0 !== undefined && w1 !== undefined ? { wall, cpu, wait: w1 - w0 } : { wall, cpu };
};

export interface Sample {
  wall: number;
  cpu?: number;
  wait?: number;
}

const MiB = 1024 * 1024;
const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmt = (n: number, digits = 1): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

// ---------------------------------------------------------------------------------------------
// The stream: realistic per-node scripts, interleaved as a 64-slot executor would emit them

const RUN_ID = 'bench-run';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A node signal before the log stamps it: everything but runId/seq/at. */
type Step = { type: SignalType; [k: string]: unknown };
/** Marks where an attempt streams output; expanded to filler signals once the budget is known. */
const FILL = Symbol('fill');
type Script = (Step | { [FILL]: true; nodeId: string; attempt: number; tier: number })[];

const lowRequest = (fromTier: number, overall: number): EscalationRequest => ({
  reason: `confidence ${overall.toFixed(2)} below target 0.95`,
  trigger: 'low_confidence',
  urgency: 'blocked',
  fromTier,
  confidence: overall,
  ratings: { correctness: overall, completeness: 0.97, evidence: 0.96, risk: 0.99 },
});

const ratings = (overall: number) => ({
  correctness: overall,
  completeness: 0.97,
  evidence: 0.96,
  risk: 0.99,
});

/**
 * One node's life (and, when it escalates, its child's), in emission order:
 * queued → [started → output → usage → (failed{willRetry} → queued attempt+1)]* → gate rounds →
 * succeeded, or → confidence.escalated → escalation.requested → node.escalated → child …
 * ~8% of attempts fail and retry, ~5% of nodes escalate to a child on the next tier,
 * ~1% wait for an approval, ~2% note an fyi escalation.
 */
const nodeScript = (id: string, rnd: () => number, withChild: boolean): Script => {
  const s: Script = [];
  const work = (nodeId: string, tier: number, opts: { label?: string; parentId?: string }) => {
    let attempt = 1;
    s.push({
      type: 'node.queued',
      nodeId,
      attempt,
      tier,
      ...(opts.label !== undefined && { label: opts.label }),
      ...(opts.parentId !== undefined && { parentId: opts.parentId, spawnReason: 'escalation' }),
    });
    for (;;) {
      s.push({ type: 'node.started', nodeId, attempt, tier, model: defaultLadder[tier]?.model });
      s.push({ [FILL]: true, nodeId, attempt, tier });
      if (rnd() >= 0.08 || attempt >= 3) break;
      s.push({
        type: 'node.failed',
        nodeId,
        attempt,
        error: { message: 'provider timeout', code: 'E_TIMEOUT' },
        elapsedMs: Math.round(rnd() * 3000),
        willRetry: true,
      });
      attempt++;
      s.push({ type: 'node.queued', nodeId, attempt, tier });
    }
    return attempt;
  };
  const succeed = (nodeId: string, attempt: number) => {
    s.push({
      type: 'node.succeeded',
      nodeId,
      attempt,
      output: { text: `result of ${nodeId}`, tokens: 512 },
      elapsedMs: Math.round(500 + rnd() * 5000),
      usage: { inputTokens: 1200, outputTokens: 512, costUsd: 0.0005 },
    });
  };
  const rate = (nodeId: string, attempt: number, overall: number, round: number) => {
    s.push({
      type: 'confidence.rated',
      nodeId,
      attempt,
      ratings: ratings(overall),
      overall,
      target: 0.95,
      passed: overall >= 0.95,
      round,
    });
  };

  const attempt = work(id, 0, { label: `Step ${id}` });
  if (rnd() < 0.02) {
    s.push({
      type: 'escalation.requested',
      nodeId: id,
      attempt,
      request: { ...lowRequest(0, 0.9), urgency: 'fyi' },
    });
  }
  if (rnd() < 0.01) {
    s.push({
      type: 'node.awaiting_approval',
      nodeId: id,
      attempt,
      approvalId: `ap-${id}`,
      prompt: 'Publish?',
    });
    s.push({
      type: 'approval.decided',
      nodeId: id,
      attempt,
      approvalId: `ap-${id}`,
      decision: 'approved',
      by: 'ops',
    });
  }
  if (withChild) {
    for (let round = 1; round <= 3; round++) rate(id, attempt, 0.6 + round * 0.05, round);
    s.push({ type: 'confidence.escalated', nodeId: id, attempt, overall: 0.75, target: 0.95, rounds: 3 });
    const request = lowRequest(0, 0.75);
    const childId = `${id}^1`;
    s.push({ type: 'escalation.requested', nodeId: id, attempt, request });
    s.push({
      type: 'node.escalated',
      nodeId: id,
      attempt,
      route: 'higher_tier',
      reason: request.reason,
      fromTier: 0,
      toTier: 1,
      childId,
      request,
    });
    const childAttempt = work(childId, 1, { parentId: id });
    rate(childId, childAttempt, 0.97, 1);
    s.push({
      type: 'confidence.passed',
      nodeId: childId,
      attempt: childAttempt,
      overall: 0.97,
      target: 0.95,
      rounds: 1,
    });
    succeed(childId, childAttempt);
  } else {
    const rounds = rnd() < 0.3 ? 2 : 1;
    for (let round = 1; round <= rounds; round++) rate(id, attempt, round === rounds ? 0.96 : 0.9, round);
    s.push({ type: 'confidence.passed', nodeId: id, attempt, overall: 0.96, target: 0.95, rounds });
    succeed(id, attempt);
  }
  return s;
};

/** Builds `total` signals over exactly `nodes` nodes; see {@link nodeScript}. */
export const buildRun = (total: number, nodes: number, seed: number): Signal[] => {
  const rnd = prng(seed);
  const scripts: Script[] = [];
  let nodeCount = 0;
  let fixed = 2; // run.started + run.succeeded
  let fills = 0;
  for (let i = 0; nodeCount < nodes; i++) {
    const withChild = rnd() < 0.05 && nodeCount + 2 <= nodes;
    const script = nodeScript(`n${i}`, rnd, withChild);
    nodeCount += withChild ? 2 : 1;
    for (const step of script) FILL in step ? fills++ : fixed++;
    scripts.push(script);
  }
  const budget = total - fixed;
  if (budget < fills)
    throw new Error(`${total} signals are too few for ${nodes} nodes (need ${fixed + fills})`);
  // Output of every attempt: LLM calls, each one usage signal after a few streamed deltas (2:1).
  const per = Math.floor(budget / fills);
  let extra = budget - per * fills;

  const out: Signal[] = new Array(total);
  let seq = 0;
  let t = T0;
  const emit = (fields: Record<string, unknown>): void => {
    seq++;
    t += 1 + Math.floor(rnd() * 3);
    out[seq - 1] = { runId: RUN_ID, seq, at: new Date(t).toISOString(), ...fields } as unknown as Signal;
  };
  emit({ type: 'run.started', dagId: 'bench-dag', ladder: defaultLadder });

  // Interleave: 64 slots, each running one node script; a random busy slot emits next.
  const SLOTS = 64;
  const cursor: { script: Script; pos: number; fillLeft: number }[] = [];
  let next = 0;
  const refill = (): void => {
    while (cursor.length < SLOTS && next < scripts.length) {
      cursor.push({ script: scripts[next++] as Script, pos: 0, fillLeft: -1 });
    }
  };
  refill();
  while (cursor.length > 0) {
    const k = Math.floor(rnd() * cursor.length);
    const c = cursor[k] as (typeof cursor)[number];
    const step = c.script[c.pos] as Script[number];
    if (FILL in step) {
      if (c.fillLeft < 0) {
        c.fillLeft = per + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
      }
      if (c.fillLeft > 0) {
        const { nodeId, attempt, tier } = step;
        if (c.fillLeft % 3 === 0) {
          emit({
            type: 'usage',
            nodeId,
            attempt,
            tier,
            model: defaultLadder[tier]?.model ?? 'sim-small',
            inputTokens: 400,
            outputTokens: 170,
            costUsd: 0.00016,
          });
        } else {
          emit({ type: 'node.output_delta', nodeId, attempt, text: 'lorem ipsum ' });
        }
        c.fillLeft--;
        continue;
      }
      c.fillLeft = -1;
      c.pos++;
    } else {
      emit(step);
      c.pos++;
    }
    if (c.pos >= c.script.length) {
      cursor[k] = cursor[cursor.length - 1] as (typeof cursor)[number];
      cursor.pop();
      refill();
    }
  }
  emit({ type: 'run.succeeded' });
  if (seq !== total) throw new Error(`built ${seq} signals, expected ${total}`);
  return out;
};

// ---------------------------------------------------------------------------------------------
// (b) apply() per kind of signal, each applied alone to a view of `nodes` queued nodes

interface CaseSpec {
  name: string;
  /** Signals applied (untimed) after the nodes are queued. */
  setup?: (node: (i: number) => string) => Record<string, unknown>[];
  /** The i-th measured signal (without runId/seq/at). */
  make: (i: number, node: (i: number) => string, nodes: number) => Record<string, unknown>;
  /** Re-deliver the measured signals instead of applying them (duplicates). */
  duplicates?: boolean;
}

const cases: CaseSpec[] = [
  {
    name: 'node.output_delta (no lane)',
    make: (i, node) => ({ type: 'node.output_delta', nodeId: node(i), attempt: 1, text: 'lorem ipsum ' }),
  },
  {
    name: 'usage (node + tier + run totals)',
    make: (i, node) => ({
      type: 'usage',
      nodeId: node(i),
      attempt: 1,
      tier: i % 3,
      model: 'sim-small',
      inputTokens: 400,
      outputTokens: 170,
      costUsd: 0.00016,
    }),
  },
  {
    name: 'confidence.rated (event list)',
    make: (i, node) => ({
      type: 'confidence.rated',
      nodeId: node(i),
      attempt: 1,
      ratings: ratings(0.9),
      overall: 0.9,
      target: 0.95,
      passed: false,
      round: 1,
    }),
  },
  {
    name: 'started/queued (lane change)',
    make: (i, node) => ({
      type: i % 2 === 0 ? 'node.started' : 'node.queued',
      nodeId: node(Math.floor(i / 2)),
      attempt: 1,
      tier: 0,
    }),
  },
  {
    name: 'failed -> queued attempt+1 (retry)',
    make: (i, node, nodes) => {
      const round = Math.floor(i / 2);
      const attempt = 1 + Math.floor(round / nodes);
      return i % 2 === 0
        ? {
            type: 'node.failed',
            nodeId: node(round),
            attempt,
            error: { message: 'x', code: 'E' },
            elapsedMs: 1,
            willRetry: true,
          }
        : { type: 'node.queued', nodeId: node(round), attempt: attempt + 1, tier: 0 };
    },
  },
  {
    name: 'node.succeeded on a terminal node (sticky)',
    setup: (node) =>
      Array.from({ length: 10_000 }, (_, i) => ({
        type: 'node.succeeded',
        nodeId: node(i),
        attempt: 1,
        output: 'ok',
        elapsedMs: 1,
      })),
    make: (i, node) => ({
      type: 'node.succeeded',
      nodeId: node(i),
      attempt: 1,
      output: 'again',
      elapsedMs: 2,
    }),
  },
  {
    name: 'duplicate seq (refused)',
    duplicates: true,
    make: (i, node) => ({ type: 'node.output_delta', nodeId: node(i), attempt: 1, text: 'dup' }),
  },
];

const runCase = (spec: CaseSpec, nodes: number, count: number, runs: number): ApplyCase => {
  const node = (i: number): string => `n${i % nodes}`;
  let seq = 0;
  const stamp = (f: Record<string, unknown>): Signal =>
    ({ runId: RUN_ID, seq: ++seq, at: new Date(T0 + seq).toISOString(), ...f }) as unknown as Signal;
  const setup: Signal[] = [];
  for (let i = 0; i < nodes; i++)
    setup.push(stamp({ type: 'node.queued', nodeId: node(i), attempt: 1, tier: 0 }));
  for (const f of spec.setup?.(node) ?? []) setup.push(stamp(f));
  const firstMeasured = seq + 1;
  const measured: Signal[] = new Array(count);
  for (let i = 0; i < count; i++) measured[i] = stamp(spec.make(i, node, nodes));
  if (spec.duplicates) {
    // Re-deliveries of signals the view already holds: same seqs as the setup.
    for (let i = 0; i < count; i++) {
      measured[i] = { ...(measured[i] as Signal), seq: 1 + (i % (firstMeasured - 1)) } as Signal;
    }
  }
  const samples: Sample[] = [];
  for (let r = 0; r < runs + 1; r++) {
    const view: RunView = createRunView();
    for (const s of setup) apply(view, s);
    const sample = timed(() => {
      for (let i = 0; i < count; i++) apply(view, measured[i] as Signal);
    });
    if (!spec.duplicates && view.lastSeq !== seq) throw new Error(`${spec.name}: not every signal applied`);
    if (r > 0) samples.push(sample); // the first run is warm-up
  }
  return { name: spec.name, signals: count, stats: stats(samples) };
};

// ---------------------------------------------------------------------------------------------

/** Builds a run and folds it; only the view leaves this frame, so the signals can be collected. */
const foldFresh = (total: number, nodes: number, seed: number): RunView =>
  projectRun(buildRun(total, nodes, seed));

const mixOf = (signals: readonly Signal[]): Partial<Record<SignalType, number>> => {
  const mix: Partial<Record<SignalType, number>> = {};
  for (const s of signals) mix[s.type] = (mix[s.type] ?? 0) + 1;
  return mix;
};

/** (a) Folds `signals` `warmup` times untimed, then `runs` times timed, each from a collected heap. */
const measureFold = (
  signals: readonly Signal[],
  o: { total: number; nodes: number; runs: number; warmup: number; gc: () => void },
): Stats => {
  for (let i = 0; i < o.warmup; i++) projectRun(signals);
  const samples: Sample[] = [];
  for (let i = 0; i < o.runs; i++) {
    let view: RunView | undefined;
    o.gc();
    samples.push(
      timed(() => {
        view = projectRun(signals);
      }),
    );
    const v = view as RunView | undefined;
    if (v?.lastSeq !== o.total || v.nodes.size !== o.nodes || v.status !== 'succeeded') {
      throw new Error(`fold is wrong: lastSeq ${v?.lastSeq}, nodes ${v?.nodes.size}, status ${v?.status}`);
    }
  }
  return stats(samples);
};

export const runProjectionBench = (options: ProjectionBenchOptions = {}): ProjectionBenchResult => {
  const total = options.signals ?? 1_000_000;
  const nodes = options.nodes ?? 10_000;
  const runs = options.runs ?? 5;
  const warmup = options.warmup ?? 2;
  const perCase = options.perCase ?? 200_000;
  const seed = options.seed ?? 42;
  const gc = getGc();
  let signals: Signal[] = [];

  // (c1) heap of the view alone: built and folded in a frame of its own, only the view returned
  const heap0 = heapAfterGc(gc);
  let alone: RunView | undefined = foldFresh(total, nodes, seed);
  const viewRetainedMiB = (heapAfterGc(gc) - heap0) / MiB;
  if (alone.nodes.size !== nodes) throw new Error(`fold is wrong: ${alone.nodes.size} nodes`);
  alone = undefined;

  // (c2) heap of the signals themselves, then of the view on top of them
  const heap1 = heapAfterGc(gc);
  const built = timed(() => {
    signals = buildRun(total, nodes, seed);
  });
  const heap2 = heapAfterGc(gc);
  let view: RunView | undefined = projectRun(signals);
  const heap3 = heapAfterGc(gc);
  const viewNodes = view.nodes.size;
  view = undefined;
  const mix = mixOf(signals);

  // (a) the fold
  const fold = measureFold(signals, { total, nodes, runs, warmup, gc });
  signals = [];

  // (b) apply() per kind of signal
  const applyCases = cases.map((c) => runCase(c, nodes, perCase, runs));

  const bestSignalsPerSec = total / (fold.bestMs / 1000);
  return {
    node: process.version,
    cpus: `${os.availableParallelism()} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'})`,
    loadavg: os.loadavg(),
    signals: total,
    nodes,
    mix,
    buildMs: built.wall,
    warmup,
    fold,
    applyCases,
    heap: {
      signalsMiBPer1M: ((heap2 - heap1) / MiB) * (1_000_000 / total),
      signalsBytesEach: (heap2 - heap1) / total,
      viewMiB: (heap3 - heap2) / MiB,
      viewBytesPerNode: (heap3 - heap2) / viewNodes,
      viewRetainedMiB,
    },
    targets: {
      signalsPerSec: TARGET_SIGNALS_PER_SEC,
      foldMs: TARGET_FOLD_MS,
      met: bestSignalsPerSec >= TARGET_SIGNALS_PER_SEC && fold.bestMs < TARGET_FOLD_MS,
    },
  };
};

const table = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0] ?? []), rule, ...rows.slice(1).map(line)].join('\n');
};

const perSec = (n: number, ms: number | undefined): string =>
  ms === undefined ? '-' : `${fmt(n / (ms / 1000) / 1e6, 2)} M/s`;
const msOr = (ms: number | undefined): string => (ms === undefined ? '-' : `${fmt(ms)} ms`);
const nsOr = (n: number, ms: number | undefined): string => (ms === undefined ? '-' : fmt((ms * 1e6) / n));

export const formatProjectionResult = (r: ProjectionBenchResult): string => {
  const ok = (cond: boolean) => (cond ? 'ok' : 'MISSED');
  const f = r.fold;
  const mix = Object.entries(r.mix)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([t, n]) => `${t} ${fmt(((n ?? 0) / r.signals) * 100)}%`)
    .join(', ');
  const n = r.signals;
  return [
    `projection: ${fmtInt(n)} signals over ${fmtInt(r.nodes)} nodes; Node ${r.node}; ${r.cpus}; ` +
      `load ${r.loadavg.map((x) => fmt(x, 2)).join(' ')}`,
    `stream built in ${fmtInt(r.buildMs)} ms; mix: ${mix}`,
    '',
    table([
      [
        `(a) projectRun, ${r.fold.samples.length} folds after ${r.warmup} warm-up`,
        'wall',
        'process CPU',
        'target',
        '',
      ],
      [
        'best fold time',
        msOr(f.bestMs),
        msOr(f.bestCpuMs),
        `< ${r.targets.foldMs} ms`,
        ok(f.bestMs < r.targets.foldMs),
      ],
      ['median fold time', msOr(f.medianMs), msOr(f.medianCpuMs), '', ''],
      [
        'best throughput',
        perSec(n, f.bestMs),
        perSec(n, f.bestCpuMs),
        `>= ${r.targets.signalsPerSec / 1e6} M/s`,
        ok(n / (f.bestMs / 1000) >= r.targets.signalsPerSec),
      ],
      ['median throughput', perSec(n, f.medianMs), perSec(n, f.medianCpuMs), '', ''],
      ['apply() per signal, best (ns)', nsOr(n, f.bestMs), nsOr(n, f.bestCpuMs), '', ''],
      [
        'samples (ms)',
        f.samples.map((x) => fmt(x.wall, 0)).join(' / '),
        f.samples.map((x) => (x.cpu === undefined ? '-' : fmt(x.cpu, 0))).join(' / '),
        '',
        '',
      ],
      ['waited for a CPU during the folds', msOr(f.waitMs), '', '', ''],
    ]),
    '',
    table([
      [
        `(b) apply() per kind, ${fmtInt(r.applyCases[0]?.signals ?? 0)} signals over ${fmtInt(r.nodes)} nodes`,
        'best ns',
        'median ns',
        'best CPU ns',
        'M signals/s',
      ],
      ...r.applyCases.map((c) => [
        c.name,
        nsOr(c.signals, c.stats.bestMs),
        nsOr(c.signals, c.stats.medianMs),
        nsOr(c.signals, c.stats.bestCpuMs),
        fmt(c.signals / (c.stats.bestMs / 1000) / 1e6, 2),
      ]),
    ]),
    '',
    table([
      ['(c) heap, after gc', 'value', ''],
      [
        'signals held, per 1M',
        `${fmt(r.heap.signalsMiBPer1M)} MiB`,
        `${fmtInt(r.heap.signalsBytesEach)} B/signal`,
      ],
      [
        'view after the fold (signals still held)',
        `${fmt(r.heap.viewMiB)} MiB`,
        `${fmtInt(r.heap.viewBytesPerNode)} B/node`,
      ],
      [
        'view alone (signal array dropped)',
        `${fmt(r.heap.viewRetainedMiB)} MiB`,
        'incl. the signals it references',
      ],
    ]),
    '',
    `targets (wall clock, best fold): ${r.targets.met ? 'met' : 'MISSED'}`,
  ].join('\n');
};

/** Runs the projection bench and prints its table; returns the figures. */
export const run = async (options: ProjectionBenchOptions = {}): Promise<ProjectionBenchResult> => {
  const result = runProjectionBench(options);
  console.log(formatProjectionResult(result));
  return result;
};
