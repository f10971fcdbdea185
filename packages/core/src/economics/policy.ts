import { autoTier, type DagSpec, type StartTier } from '../dag.ts';
import { isHumanTier, type Ladder } from '../tier.ts';
import { type NodeHistory, own, type TierStats } from './history.ts';
import type { TierEvidence, TierReason } from './tier-reason.ts';

/** How the start-tier policy decides (`RunOptions.tierPolicy`). */
export interface TierPolicyOptions {
  /** Runs of history (since the node's work last changed) before the policy chooses for it (default 5). */
  minRuns?: number;
  /**
   * Probability of starting below the best tier, at the cheapest one that has fewer than
   * `sampledRuns` recent runs, so a tier that improved is found again (default 0.1).
   */
  explore?: number;
  /** Recent (decayed) runs a tier below the best needs before exploration leaves it alone (default 1). */
  sampledRuns?: number;
  /**
   * Beta prior of the cheapest tier's pass probability as a start (default 1, 2: mean 1/3, worth
   * three runs; a tier above it takes its prior's mean from the tier below, with the same weight). It is
   * sceptical because the two mistakes cost differently: trusting a cheap tier too much pays for a
   * failed start and the whole climb every run it is chosen; trusting it too little only forgoes a
   * saving until exploration tries it again.
   */
  prior?: { alpha: number; beta: number };
}

export const defaultTierPolicy = {
  minRuns: 5,
  explore: 0.1,
  sampledRuns: 1,
  prior: { alpha: 1, beta: 2 },
} as const;

/** Weight, in runs, of the prior of a tier's pass probability after an escalation into it. */
const ENTERED_PRIOR_RUNS = 2;

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

/** A tier's pass probability and mean cost of one step, for one way of reaching it. */
export interface TierOutlook {
  passRate: number;
  meanCostUsd: number;
}

/**
 * Expected cost to a passing answer when starting at `start` and escalating one tier at a time up to
 * the last entry: each tier is paid for when every tier below it (from `start`) failed. The start tier
 * counts with its own figures, each tier above with its `entered` ones when given (how it does on the
 * questions a cheaper tier failed), else its own.
 */
export const expectedCostFrom = (
  start: number,
  tiers: ReadonlyArray<TierOutlook & { entered?: TierOutlook }>,
): number => {
  let cost = 0;
  let reach = 1;
  for (let t = start; t < tiers.length; t++) {
    const tier = tiers[t] as TierOutlook & { entered?: TierOutlook };
    const o = t > start ? (tier.entered ?? tier) : tier;
    cost += reach * o.meanCostUsd;
    reach *= 1 - o.passRate;
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
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * What the policy reads of each tier: how it does as a start (the runs that started there) and after
 * an escalation into it (the runs that climbed to it). With few climbs on record, the pass rate after
 * one leans on what nested difficulty predicts from the two tiers' overall rates — of the questions
 * the tier below fails, this tier passes (q_t − q_{t−1}) / (1 − q_{t−1}) — and its cost on the tier's
 * mean step. With few starts on record, a start leans the same way on the tier below: a fresh
 * question passes here when the tier below would pass it, or when it is one of those this tier passes
 * after the tier below failed. The cheapest tier has nothing below it and leans on the sceptical prior;
 * every tier above takes the tier below's rate as its prior's mean (it passes at least as often).
 */
const readTiers = (
  stats: Array<TierStats | undefined>,
  ladder: Ladder,
  prior: { alpha: number; beta: number },
) => {
  const weight = prior.alpha + prior.beta;
  // Overall pass rates, each tier's prior no lower than the tier below's rate.
  const overall: number[] = [];
  for (const s of stats) {
    const m = Math.max(prior.alpha / weight, overall.at(-1) ?? 0);
    overall.push(
      betaPosterior(s?.passes ?? 0, s?.runs ?? 0, { alpha: m * weight, beta: (1 - m) * weight }).mean,
    );
  }
  const out: Array<TierEvidence & { entered?: TierOutlook }> = [];
  stats.forEach((s, t) => {
    const runs = s?.runs ?? 0;
    const passes = s?.passes ?? 0;
    const priced = runs > 0 && s !== undefined && s.costUsd + s.inputTokens + s.outputTokens > 0;
    const meanCost = priced ? (s as TierStats).costUsd / runs : priceFromNeighbour(stats, ladder, t);
    const eRuns = Math.min(runs, s?.enteredRuns ?? 0);
    const ePasses = Math.min(passes, eRuns, s?.enteredPasses ?? 0);
    const eCost = Math.min(s?.costUsd ?? 0, s?.enteredCostUsd ?? 0);
    const sRuns = runs - eRuns;
    const q = overall[t] as number;
    const below = t > 0 ? (overall[t - 1] as number) : 0;
    const nested = clamp((q - below) / Math.max(1 - below, 1e-9), 0.02, q);
    const enteredRate = (nested * ENTERED_PRIOR_RUNS + ePasses) / (ENTERED_PRIOR_RUNS + eRuns);
    const startBelow = out[t - 1]?.passRate;
    const mean =
      startBelow === undefined ? prior.alpha / weight : startBelow + (1 - startBelow) * enteredRate;
    const startPrior = { alpha: mean * weight, beta: (1 - mean) * weight };
    out.push({
      runs,
      passes,
      passRate: betaPosterior(passes - ePasses, sRuns, startPrior).mean,
      // One run's worth of the tier's mean step, so a start or two on record does not set the price.
      meanCostUsd: priced ? ((s as TierStats).costUsd - eCost + meanCost) / (sRuns + 1) : meanCost,
      ...(!priced && { estimated: true }),
      ...(t > 0 && {
        entered: { runs: eRuns, passRate: enteredRate, meanCostUsd: (eCost + meanCost) / (eRuns + 1) },
      }),
    });
  });
  return out;
};

/**
 * The start-tier policy: the model tier (0..maxTier) with the lowest expected cost to a passing
 * answer, from each tier's Beta posterior pass probability and mean cost per step as a start, and as
 * the next step after the tiers below it failed, counting the escalations from there up. Ties go to
 * the lower tier: starting lower never lowers the chance of an answer, it only adds tries. With
 * probability `explore` it starts instead at the cheapest tier below the best with fewer than
 * `sampledRuns` recent runs (bounded exploration: a tier tried lately is left alone until its
 * evidence fades). Below `minRuns` of history the node starts at `configured`. Pure: the same
 * inputs and random draws give the same choice, in the browser and on the server.
 */
export const chooseStartTier = (input: StartTierInput): { tier: number; reason: TierReason } => {
  const { ladder, configured, random } = input;
  const minRuns = input.options?.minRuns ?? defaultTierPolicy.minRuns;
  const explore = input.options?.explore ?? defaultTierPolicy.explore;
  const sampledRuns = input.options?.sampledRuns ?? defaultTierPolicy.sampledRuns;
  const prior = input.options?.prior ?? defaultTierPolicy.prior;
  let maxTier = Math.min(input.maxTier, ladder.length - 1);
  while (maxTier > 0 && isHumanTier(ladder[maxTier])) maxTier--;
  const history = input.history?.workHash === input.workHash ? input.history : undefined;
  const runs = history?.totalRuns ?? 0;
  const stats = ladder
    .slice(0, maxTier + 1)
    .map((rung) => (history === undefined ? undefined : own(history.tiers, rung.name)));
  const evidence = readTiers(stats, ladder, prior);
  const expected = evidence.map((_, t) => expectedCostFrom(t, evidence));
  const cold = history === undefined || runs < minRuns;
  let best = configured;
  if (!cold) {
    best = 0;
    for (let t = 1; t < expected.length; t++)
      if ((expected[t] as number) < (expected[best] as number) - 1e-12) best = t;
  }
  const stale = cold ? -1 : evidence.findIndex((e, t) => t < best && e.runs < sampledRuns);
  const explored = stale >= 0 && random() < explore;
  const chosen = explored ? stale : best;
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
          ...(e.entered && {
            entered: { ...e.entered, runs: round(e.entered.runs, 2), passRate: round(e.entered.passRate, 4) },
          }),
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
