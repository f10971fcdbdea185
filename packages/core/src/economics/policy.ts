import { autoTier, type DagSpec, type StartTier } from '../dag.ts';
import { isHumanTier, type Ladder } from '../tier.ts';
import { type NodeHistory, own, type TierStats } from './history.ts';
import type { TierEvidence, TierReason } from './tier-reason.ts';

/** How the start-tier policy decides (`RunOptions.tierPolicy`). */
export interface TierPolicyOptions {
  /** Runs of history (since the node's work last changed) before the policy chooses for it (default 5). */
  minRuns?: number;
  /** Probability of starting one tier below the best, so a tier that improved is found again (default 0.1). */
  explore?: number;
  /** Beta prior of every tier's pass probability (default 1, 1: uniform). */
  prior?: { alpha: number; beta: number };
}

export const defaultTierPolicy = { minRuns: 5, explore: 0.1, prior: { alpha: 1, beta: 1 } } as const;

/** Beta posterior of a pass probability after `passes` of `runs` (weights may be fractional). */
export const betaPosterior = (
  passes: number,
  runs: number,
  prior: { alpha: number; beta: number } = defaultTierPolicy.prior,
) => {
  const alpha = prior.alpha + passes;
  const beta = prior.beta + Math.max(0, runs - passes);
  return { alpha, beta, mean: alpha / (alpha + beta) };
};

/**
 * Expected cost to a passing answer when starting at `start` and escalating one tier at a time up to
 * the last entry: each tier is paid for when every tier below it (from `start`) failed.
 */
export const expectedCostFrom = (
  start: number,
  tiers: ReadonlyArray<{ passRate: number; meanCostUsd: number }>,
): number => {
  let cost = 0;
  let reach = 1;
  for (let t = start; t < tiers.length; t++) {
    const tier = tiers[t] as { passRate: number; meanCostUsd: number };
    cost += reach * tier.meanCostUsd;
    reach *= 1 - tier.passRate;
  }
  return cost;
};

export interface StartTierInput {
  /** The node's history; ignored when its work hash is not `workHash` (the node changed). */
  history: NodeHistory | undefined;
  workHash: string;
  ladder: Ladder;
  /** Where the node starts without enough history. */
  configured: number;
  /** Highest model tier the node may use. */
  maxTier: number;
  random: () => number;
  options?: TierPolicyOptions;
}

/** Mean tokens of one step at the nearest tier that has any, priced at `tier`'s rates. */
const priceFromNeighbour = (stats: Array<TierStats | undefined>, ladder: Ladder, tier: number) => {
  for (let d = 1; d < stats.length; d++)
    for (const t of [tier - d, tier + d]) {
      const s = stats[t];
      if (s !== undefined && s.runs > 0 && s.inputTokens + s.outputTokens > 0) {
        const rung = ladder[tier] as Ladder[number];
        return (
          ((s.inputTokens / s.runs) * rung.costPer1kInput +
            (s.outputTokens / s.runs) * rung.costPer1kOutput) /
          1000
        );
      }
    }
  return 0;
};

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/**
 * The start-tier policy: the model tier (0..maxTier) with the lowest expected cost to a passing
 * answer, from each tier's Beta posterior pass probability and mean cost per step, counting the
 * escalations from there up. Ties go to the lower tier: starting lower never lowers the chance of an
 * answer, it only adds tries. With probability `explore` it starts one tier below the best instead
 * (bounded exploration). Below `minRuns` of history the node starts at `configured`. Pure: the same
 * inputs and random draws give the same choice, in the browser and on the server.
 */
export const chooseStartTier = (input: StartTierInput): { tier: number; reason: TierReason } => {
  const { ladder, configured, random } = input;
  const minRuns = input.options?.minRuns ?? defaultTierPolicy.minRuns;
  const explore = input.options?.explore ?? defaultTierPolicy.explore;
  const prior = input.options?.prior ?? defaultTierPolicy.prior;
  let maxTier = Math.min(input.maxTier, ladder.length - 1);
  while (maxTier > 0 && isHumanTier(ladder[maxTier])) maxTier--;
  const history = input.history?.workHash === input.workHash ? input.history : undefined;
  const runs = history?.totalRuns ?? 0;
  const stats = ladder
    .slice(0, maxTier + 1)
    .map((rung) => (history === undefined ? undefined : own(history.tiers, rung.name)));
  const evidence: TierEvidence[] = stats.map((s, t) => {
    const tierRuns = s?.runs ?? 0;
    const passes = s?.passes ?? 0;
    const priced = tierRuns > 0 && s !== undefined && s.costUsd + s.inputTokens + s.outputTokens > 0;
    return {
      runs: tierRuns,
      passes,
      passRate: betaPosterior(passes, tierRuns, prior).mean,
      meanCostUsd: priced ? (s as TierStats).costUsd / tierRuns : priceFromNeighbour(stats, ladder, t),
      ...(!priced && { estimated: true }),
    };
  });
  const expected = evidence.map((_, t) => expectedCostFrom(t, evidence));
  const cold = history === undefined || runs < minRuns;
  let best = configured;
  if (!cold) {
    best = 0;
    for (let t = 1; t < expected.length; t++)
      if ((expected[t] as number) < (expected[best] as number) - 1e-12) best = t;
  }
  const explored = !cold && best > 0 && random() < explore;
  const chosen = explored ? best - 1 : best;
  const wire = <T>(f: (t: number) => T) => Object.fromEntries(evidence.map((_, t) => [String(t), f(t)]));
  return {
    tier: chosen,
    reason: {
      policy: 'expected-cost',
      configured,
      best,
      chosen,
      explored,
      cold,
      runs,
      minRuns,
      history: wire((t) => {
        const e = evidence[t] as TierEvidence;
        return {
          ...e,
          runs: round(e.runs, 2),
          passes: round(e.passes, 2),
          passRate: round(e.passRate, 4),
        };
      }),
      expectedCostUsd: wire((t) => expected[t] as number),
    },
  };
};

/**
 * True when some node of `dag` starts at `"auto"` (its own, else the run's `runStartTier`, else the
 * DAG's default): its run needs history.
 */
export const usesStartTierPolicy = (dag: DagSpec, runStartTier?: StartTier): boolean =>
  dag.nodes.some((n) => (n.startTier ?? runStartTier ?? dag.startTier) === autoTier);
