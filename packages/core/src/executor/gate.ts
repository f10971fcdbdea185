import type { EscalationRequest, Ratings } from '../escalation.ts';

export interface GateOptions {
  target: number;
  categories: string[];
  maxTries: number;
  /** The tier the work ran at, for the escalation request. */
  fromTier?: number;
  signal?: AbortSignal;
}

export interface GateRound {
  ratings: Ratings;
  overall: number;
  target: number;
  passed: boolean;
  round: number;
}

/** The last rating, handed to the next try so the work can seek evidence where it was weak. */
export type GateFeedback = Omit<GateRound, 'passed'>;

export type GateOutcome<T> =
  | { passed: true; output: T; overall: number; rounds: number; ratings: Ratings }
  | {
      passed: false;
      output: T;
      overall: number;
      rounds: number;
      ratings: Ratings;
      request: EscalationRequest;
    };

/** `overall` is the minimum over the configured categories; a category left unrated counts as 0. */
export const overallOf = (ratings: Ratings, categories: readonly string[]): number =>
  categories.reduce((min, c) => Math.min(min, ratings[c] ?? 0), 1);

/**
 * The confidence gate as a standalone function: do the work, rate it per category,
 * pass iff the minimum rating reaches the (inclusive) target; otherwise retry with the rating as
 * feedback, up to `maxTries`, then return an escalation request (`trigger: low_confidence`). A rater
 * that throws counts as a failed round, never a pass. Completing below target is impossible: the
 * caller gets `passed: false` and the best output only as evidence for whoever takes over.
 */
export const runGate = async <T>(
  work: (feedback: GateFeedback | undefined) => T | Promise<T>,
  rate: (output: T, round: number) => Promise<Ratings>,
  options: GateOptions,
  onRated?: (round: GateRound) => void,
): Promise<GateOutcome<T>> => {
  const { target, categories, maxTries } = options;
  let feedback: GateFeedback | undefined;
  let best: { output: T; overall: number; ratings: Ratings } | undefined;
  for (let round = 1; round <= maxTries; round++) {
    const output = await work(feedback);
    let ratings: Ratings;
    try {
      ratings = await rate(output, round);
    } catch {
      options.signal?.throwIfAborted();
      ratings = Object.fromEntries(categories.map((c) => [c, 0]));
    }
    const overall = overallOf(ratings, categories);
    const passed = overall >= target;
    onRated?.({ ratings, overall, target, passed, round });
    if (passed) return { passed: true, output, overall, rounds: round, ratings };
    if (best === undefined || overall > best.overall) best = { output, overall, ratings };
    feedback = { ratings, overall, target, round };
  }
  const b = best as { output: T; overall: number; ratings: Ratings };
  return {
    passed: false,
    output: b.output,
    overall: b.overall,
    rounds: maxTries,
    ratings: b.ratings,
    request: {
      reason: `confidence ${b.overall.toFixed(2)} below target ${target} after ${maxTries} ${maxTries === 1 ? 'try' : 'tries'}`,
      trigger: 'low_confidence',
      urgency: 'blocked',
      fromTier: options.fromTier ?? 0,
      confidence: b.overall,
      ratings: b.ratings,
    },
  };
};
