/** The minute of the last time read ('YYYY-MM-DDTHH:mm') and its epoch milliseconds. */
let minute = '\0';
let minuteMs = 0;
const digit = (at: string, i: number) => at.charCodeAt(i) - 48;

/**
 * Epoch milliseconds of a signal's `at` as the engine writes it (`toISOString()`:
 * `2026-01-01T12:34:56.789Z`). Signals are read in time order, so their minute is nearly always the
 * last one's and only the seconds are read; any other form goes to `Date.parse`.
 */
export const signalTime = (at: string): number => {
  if (at.length !== 24 || at.charCodeAt(23) !== 90 || at.charCodeAt(19) !== 46) return Date.parse(at);
  if (!at.startsWith(minute)) {
    minute = at.slice(0, 16);
    minuteMs = Date.parse(`${minute}:00.000Z`);
  }
  return (
    minuteMs +
    (digit(at, 17) * 10 + digit(at, 18)) * 1000 +
    digit(at, 20) * 100 +
    digit(at, 21) * 10 +
    digit(at, 22)
  );
};
