import type { DagSpecInput, RunOptions } from '@laneflow/core';
import type { RunOutcome } from './measure.ts';
import { suite, suiteDag, topTier } from './suite.ts';

/** A way of choosing where each node starts, run after run. */
export interface Strategy {
  key: string;
  label: string;
  dag: DagSpecInput;
  /** Extra run options for run `run` (e.g. the history so far). */
  options?: (run: number) => Partial<RunOptions>;
  /** Told each finished run, in order. */
  observe?: (outcome: RunOutcome) => void;
}

/** Every node starts at `tier` and escalates from there. */
export const fixedStart = (key: string, label: string, tier: number, tries?: number): Strategy => ({
  key,
  label,
  dag: suiteDag(() => tier, tries),
});

/** Today: every node starts on the cheapest tier and escalates when the gate fails it. */
export const cascade = (tries?: number): Strategy =>
  fixedStart('cascade', 'cheapest first, escalate (today)', 0, tries);

/** Every node on the top tier. */
export const alwaysTop = (tries?: number): Strategy => fixedStart('top', 'always top tier', topTier, tries);

/**
 * The best fixed start tier per node in hindsight: for each node, the start tier whose runs cost the
 * least per correct answer, read from the runs of every fixed start tier over the same questions.
 */
export const hindsight = (
  fixedRuns: RunOutcome[][],
  tries?: number,
): { strategy: Strategy; chosen: Record<string, number> } => {
  const chosen: Record<string, number> = {};
  for (const node of suite) {
    let best = { tier: topTier, perCorrect: Number.POSITIVE_INFINITY };
    fixedRuns.forEach((runs, tier) => {
      let cost = 0;
      let correct = 0;
      for (const r of runs) {
        const n = r.nodes.find((x) => x.id === node.id);
        cost += n?.costUsd ?? 0;
        correct += n?.correct ? 1 : 0;
      }
      const perCorrect = correct === 0 ? Number.POSITIVE_INFINITY : cost / correct;
      if (perCorrect < best.perCorrect) best = { tier, perCorrect };
    });
    chosen[node.id] = best.tier;
  }
  return {
    chosen,
    strategy: {
      key: 'hindsight',
      label: 'best fixed tier per node, in hindsight',
      dag: suiteDag((id) => chosen[id] ?? topTier, tries),
    },
  };
};
