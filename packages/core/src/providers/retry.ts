/** Statuses worth trying again: request timeout, conflict, rate limit and server errors. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 409 || status === 429 || status >= 500;

/**
 * How long the server asked us to wait, in ms: `retry-after-ms` (OpenAI), else `Retry-After` as
 * seconds or as an HTTP date. `undefined` when absent or unreadable.
 */
export const retryAfterMs = (
  headers: { get(name: string): string | null },
  now: number = Date.now(),
): number | undefined => {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms) {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const after = headers.get('retry-after')?.trim();
  if (!after) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** Exponential backoff for retry `n` (1-based): `baseMs * 2^(n-1)`, capped at `maxMs`, with ±25% jitter. */
export const backoffMs = (n: number, baseMs: number, maxMs: number, random: () => number): number =>
  Math.round(Math.min(maxMs, baseMs * 2 ** (n - 1)) * (0.75 + 0.5 * random()));
