import { z } from 'zod';

/**
 * What a node did at one tier, summed over runs with decay: every count is a weight, a run's own
 * observation counts 1 and each later run of the node multiplies it by 2^(-1/halfLifeRuns).
 */
export const TierStatsSchema = z.object({
  /** Runs in which the node had a finished chain step at this tier. */
  runs: z.number().nonnegative(),
  /** Of those, the ones that passed (the step succeeded: gate passed, approval given). */
  passes: z.number().nonnegative(),
  /** Attempts, retries included. */
  attempts: z.number().nonnegative(),
  /** Gate rounds rated. */
  rounds: z.number().nonnegative(),
  /** Provider calls (one `usage` signal each). */
  calls: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  /** Steps that escalated, and why, by trigger (`low_confidence`, `error`…). */
  escalations: z.number().nonnegative(),
  triggers: z.record(z.string(), z.number().nonnegative()),
  /** Human decisions on the step's work. */
  approved: z.number().nonnegative(),
  rejected: z.number().nonnegative(),
  /**
   * Of `runs`, those where the node reached this tier by escalating from a lower one, their passes
   * and their cost: a question a cheaper tier failed is harder than most, so the policy prices a
   * start from these and a climb from the rest. Missing in history kept before they were counted.
   */
  enteredRuns: z.number().nonnegative().optional(),
  enteredPasses: z.number().nonnegative().optional(),
  enteredCostUsd: z.number().nonnegative().optional(),
});
export type TierStats = z.infer<typeof TierStatsSchema>;

/** One DAG node's history since its work last changed, by tier name. */
export const NodeHistorySchema = z.object({
  /** {@link workHash} of the node the history is about; another hash starts the history over. */
  workHash: z.string(),
  /** Decayed number of runs observed. */
  runs: z.number().nonnegative(),
  /** Runs observed since the history started, without decay. */
  totalRuns: z.number().int().nonnegative(),
  /** Tier names are the key, so a run on another ladder with the same rung names adds up. */
  tiers: z.record(z.string(), TierStatsSchema),
});
export type NodeHistory = z.infer<typeof NodeHistorySchema>;

/** A DAG's history by node id: what the start-tier policy reads (`RunOptions.tierHistory`). */
export const TierHistorySchema = z.record(z.string(), NodeHistorySchema);
export type TierHistory = z.infer<typeof TierHistorySchema>;

/** What one finished run adds to its DAG node's history (weights of 1). */
export interface NodeObservation {
  workHash: string;
  tiers: Record<string, TierStats>;
}

export interface HistoryOptions {
  /** Runs after which an observation weighs half (default 20). */
  halfLifeRuns?: number;
}

export const defaultHalfLifeRuns = 20;

export const emptyTierStats = (): TierStats => ({
  runs: 0,
  passes: 0,
  attempts: 0,
  rounds: 0,
  calls: 0,
  costUsd: 0,
  inputTokens: 0,
  outputTokens: 0,
  escalations: 0,
  triggers: {},
  approved: 0,
  rejected: 0,
  enteredRuns: 0,
  enteredPasses: 0,
  enteredCostUsd: 0,
});

const numericKeys = [
  'runs',
  'passes',
  'attempts',
  'rounds',
  'calls',
  'costUsd',
  'inputTokens',
  'outputTokens',
  'escalations',
  'approved',
  'rejected',
  'enteredRuns',
  'enteredPasses',
  'enteredCostUsd',
] as const;

/** `a * k + b`, field by field (b may be missing). */
const combine = (a: TierStats | undefined, k: number, b: TierStats | undefined): TierStats => {
  const out = emptyTierStats();
  for (const key of numericKeys) out[key] = (a?.[key] ?? 0) * k + (b?.[key] ?? 0);
  for (const t of new Set([...Object.keys(a?.triggers ?? {}), ...Object.keys(b?.triggers ?? {})]))
    out.triggers[t] = (own(a?.triggers, t) ?? 0) * k + (own(b?.triggers, t) ?? 0);
  return out;
};

/** `record[key]` when it is the record's own (never a prototype's). */
export const own = <T>(record: Record<string, T> | undefined, key: string): T | undefined =>
  record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;

/** The weight one run keeps after one more run of its node. */
export const decayFactor = (halfLifeRuns = defaultHalfLifeRuns): number =>
  halfLifeRuns === Number.POSITIVE_INFINITY ? 1 : 2 ** (-1 / Math.max(halfLifeRuns, 1e-9));

/**
 * Adds one run's observation of a node to its history: the old weights decay by one run, then the
 * run counts 1. A history of another work hash (the node's prompt or config changed) is dropped.
 * Pure; folding runs one at a time, with the state stored and reloaded between them, equals folding
 * them all at once.
 */
export const foldNodeHistory = (
  prev: NodeHistory | undefined,
  obs: NodeObservation,
  options: HistoryOptions = {},
): NodeHistory => {
  const base = prev?.workHash === obs.workHash ? prev : undefined;
  const k = decayFactor(options.halfLifeRuns);
  // fromEntries, not assignment: a node or tier may be named `__proto__`.
  const names = new Set([...Object.keys(base?.tiers ?? {}), ...Object.keys(obs.tiers)]);
  const tiers = Object.fromEntries(
    [...names].map((name) => [name, combine(own(base?.tiers, name), k, own(obs.tiers, name))]),
  );
  return {
    workHash: obs.workHash,
    runs: (base?.runs ?? 0) * k + 1,
    totalRuns: (base?.totalRuns ?? 0) + 1,
    tiers,
  };
};

/** Adds a run's observations to a DAG's history (nodes the run did not observe are unchanged). */
export const foldHistory = (
  history: TierHistory,
  run: { nodes: Record<string, NodeObservation> },
  options: HistoryOptions = {},
): TierHistory => {
  const next = Object.entries(run.nodes).map(
    ([id, obs]) => [id, foldNodeHistory(own(history, id), obs, options)] as const,
  );
  return Object.fromEntries([...Object.entries(history), ...next]);
};
