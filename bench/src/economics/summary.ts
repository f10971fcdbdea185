import type { RunOutcome } from './measure.ts';
import { type Profile, suite } from './suite.ts';

/** Nearest-rank quantile of `xs` (unsorted). */
export const quantile = (xs: readonly number[], q: number): number => {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
};

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export interface Figures {
  runs: number;
  /** Mean cost per run (or per node run, for a profile). */
  costUsd: number;
  /** Share of node answers that were correct. */
  correct: number;
  /** Share of node answers that passed the gate (correct or not). */
  delivered: number;
  p50Ms: number;
  p95Ms: number;
}

/** Figures over whole runs of the suite (the mixed workload). */
export const mixedFigures = (runs: readonly RunOutcome[]): Figures => {
  const nodes = runs.flatMap((r) => r.nodes);
  const latencies = runs.map((r) => r.latencyMs);
  return {
    runs: runs.length,
    costUsd: mean(runs.map((r) => r.costUsd)),
    correct: mean(nodes.map((n) => (n.correct ? 1 : 0))),
    delivered: mean(nodes.map((n) => (n.delivered ? 1 : 0))),
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
  };
};

/** Figures over the nodes of one profile: cost per node run, latency of each node's chain. */
export const profileFigures = (runs: readonly RunOutcome[], profile: Profile): Figures => {
  const ids = new Set(suite.filter((n) => n.profile === profile).map((n) => n.id));
  const nodes = runs.flatMap((r) => r.nodes.filter((n) => ids.has(n.id)));
  const latencies = nodes.map((n) => n.latencyMs);
  return {
    runs: runs.length,
    costUsd: mean(nodes.map((n) => n.costUsd)),
    correct: mean(nodes.map((n) => (n.correct ? 1 : 0))),
    delivered: mean(nodes.map((n) => (n.delivered ? 1 : 0))),
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
  };
};

/**
 * The difference in correct answers per run (a − b) between two strategies over the same questions,
 * with a 95% interval from the paired per-run differences (normal approximation).
 */
export const pairedCorrectDiff = (a: readonly RunOutcome[], b: readonly RunOutcome[]) => {
  const n = Math.min(a.length, b.length);
  const nodesPerRun = suite.length;
  const diffs: number[] = [];
  for (let i = 0; i < n; i++) {
    const ca = (a[i] as RunOutcome).nodes.filter((x) => x.correct).length;
    const cb = (b[i] as RunOutcome).nodes.filter((x) => x.correct).length;
    diffs.push((ca - cb) / nodesPerRun);
  }
  const m = mean(diffs);
  const sd = Math.sqrt(mean(diffs.map((d) => (d - m) ** 2)) * (n / Math.max(1, n - 1)));
  const half = (1.96 * sd) / Math.sqrt(Math.max(1, n));
  return { diff: m, low: m - half, high: m + half };
};

/** Mean cost per run over a sliding window of `width` runs, one point per run from `width` on. */
export const rollingCost = (
  runs: readonly RunOutcome[],
  width: number,
): { run: number; costUsd: number }[] => {
  const out: { run: number; costUsd: number }[] = [];
  let sum = 0;
  runs.forEach((r, i) => {
    sum += r.costUsd;
    if (i >= width) sum -= (runs[i - width] as RunOutcome).costUsd;
    if (i >= width - 1) out.push({ run: i + 1, costUsd: sum / width });
  });
  return out;
};

/** How often each node started at each tier. */
export const startTiers = (runs: readonly RunOutcome[]): Record<string, number[]> => {
  const out: Record<string, number[]> = {};
  for (const r of runs)
    for (const n of r.nodes) {
      const counts = out[n.id] ?? [0, 0, 0];
      counts[n.startTier] = (counts[n.startTier] ?? 0) + 1;
      out[n.id] = counts;
    }
  return out;
};

/** Mean cost per run from run 1 to each run. */
export const cumulativeCost = (runs: readonly RunOutcome[]): { run: number; costUsd: number }[] => {
  let sum = 0;
  return runs.map((r, i) => {
    sum += r.costUsd;
    return { run: i + 1, costUsd: sum / (i + 1) };
  });
};
