import { z } from 'zod';
import { type Ladder, TierIndexSchema } from '../tier.ts';

/** What the policy knew of one tier when it chose: rounded for the wire, decayed weights. */
export const TierEvidenceSchema = z.strictObject({
  /** Recent runs with a finished step at this tier (decayed, so not a whole number). */
  runs: z.number().nonnegative(),
  /** Of those, the ones that passed. */
  passes: z.number().nonnegative(),
  /** Pass probability of a start at this tier: the mean of the Beta posterior of the runs that started here. */
  passRate: z.number().min(0).max(1),
  /** Mean cost of one step at this tier when the node starts here (all its rounds and retries). */
  meanCostUsd: z.number().nonnegative(),
  /** True when this tier has no cost of its own yet: priced from another tier's tokens. */
  estimated: z.boolean().optional(),
  /**
   * The same after an escalation into this tier, on the questions the tiers below failed: recent
   * runs that climbed here, the pass probability and the mean cost of a step the policy used.
   */
  entered: z
    .strictObject({
      runs: z.number().nonnegative(),
      passRate: z.number().min(0).max(1),
      meanCostUsd: z.number().nonnegative(),
    })
    .optional(),
});
export type TierEvidence = z.infer<typeof TierEvidenceSchema>;

/** Tier index (as a decimal string) → value: JSON object keys are strings. */
const byTier = <T extends z.ZodType>(value: T) => z.record(z.string().regex(/^\d+$/), value);

/**
 * Why a node started where it did, on its first `node.queued`: the start-tier policy's inputs and
 * choice. `configured` is where the node starts without the policy; `best` the tier of the lowest
 * expected cost to a passing answer; `chosen` where it starts (a
 * cheaper tier than `best` when `explored`).
 */
export const TierReasonSchema = z.strictObject({
  policy: z.literal('expected-cost'),
  configured: TierIndexSchema,
  best: TierIndexSchema,
  chosen: TierIndexSchema,
  explored: z.boolean(),
  /** Too little history: the node starts at `configured`. */
  cold: z.boolean(),
  /** Runs of the node's history (since its work last changed), and how many the policy needs. */
  runs: z.number().int().nonnegative(),
  minRuns: z.number().nonnegative(),
  history: byTier(TierEvidenceSchema),
  /** Expected cost to a passing answer when starting at each tier (escalating from there). */
  expectedCostUsd: byTier(z.number().nonnegative()),
});
export type TierReason = z.infer<typeof TierReasonSchema>;

const name = (ladder: Ladder, tier: number) => ladder[tier]?.name ?? `tier ${tier}`;
const usd = (x: number) => `$${x < 0.001 ? x.toPrecision(2) : x.toFixed(x < 1 ? 3 : 2)}`;
const count = (x: number) => String(Math.round(x));

/** The expected saving of the choice against the configured start; 0 when nothing is known. */
export const tierReasonSaving = (r: TierReason): number => {
  const configured = r.expectedCostUsd[String(r.configured)];
  const chosen = r.expectedCostUsd[String(r.chosen)];
  return configured === undefined || chosen === undefined ? 0 : configured - chosen;
};

/** What the start-tier policy saved in a run, in expected cost: the sum over the nodes it placed. */
export const policySavingUsd = (view: { nodes: Map<string, { tierReason?: TierReason }> }): number => {
  let saving = 0;
  for (const n of view.nodes.values()) if (n.tierReason) saving += tierReasonSaving(n.tierReason);
  return saving;
};

/**
 * A tier choice in words, for the inspector: "started at medium: small passed the gate in 1 of 9
 * recent runs; expected $0.004 vs $0.011".
 */
export const describeTierReason = (r: TierReason, ladder: Ladder): string => {
  const at = `started at ${name(ladder, r.chosen)}`;
  if (r.cold) return `${at}: too little history to choose (${r.runs} of ${count(r.minRuns)} runs needed)`;
  const evidence = (tier: number) => {
    const e = r.history[String(tier)];
    return e === undefined || e.runs < 0.5
      ? `${name(ladder, tier)} has not been tried recently`
      : `${name(ladder, tier)} passed the gate in ${count(e.passes)} of ${count(e.runs)} recent runs`;
  };
  const cost = (tier: number) => r.expectedCostUsd[String(tier)] ?? 0;
  const below = ['', 'one', 'two'][r.best - r.chosen] ?? `${r.best - r.chosen} tiers`;
  if (r.explored)
    return `${at} to explore, ${below} below ${name(ladder, r.best)}: ${evidence(r.chosen)}; expected ${usd(cost(r.chosen))} vs ${usd(cost(r.best))}`;
  if (r.chosen === r.configured)
    return `${at}, the cheapest expected start: ${evidence(r.chosen)}; expected ${usd(cost(r.chosen))}`;
  // Starting above the configured tier: the tier below the choice is what it skips.
  const skipped = r.chosen > r.configured ? r.chosen - 1 : r.configured;
  return `${at}: ${evidence(skipped)}; expected ${usd(cost(r.chosen))} vs ${usd(cost(r.configured))}`;
};
