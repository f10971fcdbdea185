import type { Signal } from '../signals.ts';

/**
 * Where a run's signals are committed. `append` receives each batch in seq order, one at a time,
 * and may be async: nobody sees a signal until the promise for its batch has resolved.
 */
export interface SignalLog {
  append(batch: readonly Signal[]): void | Promise<void>;
}

/** The default log: keeps signals in memory. */
export const createMemoryLog = (): SignalLog & { signals: Signal[] } => {
  const signals: Signal[] = [];
  return {
    signals,
    append(batch) {
      for (const s of batch) signals.push(s);
    },
  };
};
