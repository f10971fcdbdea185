/** How long to wait before try `attempt + 1`: the one backoff of node retries, provider retries and stream reconnects. */
export interface BackoffPolicy {
  /** The first delay, in ms. */
  backoffMs: number;
  /** Each further delay is this many times the previous one. */
  factor: number;
  maxBackoffMs: number;
  /** ± this share of the delay, at random (0..1). */
  jitter: number;
}

/** Exponential backoff with jitter: `backoffMs * factor^(attempt-1)`, capped, ± `jitter` of itself. */
export const backoffDelay = (p: BackoffPolicy, attempt: number, random: () => number): number => {
  const base = Math.min(p.maxBackoffMs, p.backoffMs * p.factor ** (attempt - 1));
  return Math.max(0, Math.round(base * (1 - p.jitter + 2 * p.jitter * random())));
};
