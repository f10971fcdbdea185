import type { Signal } from '../signals.ts';

/**
 * Where a run's signals are committed. `append` receives each batch in seq order, one at a time,
 * and may be async: nobody sees a signal until the promise for its batch has resolved.
 */
export interface SignalLog {
  append(batch: readonly Signal[]): void | Promise<void>;
  /**
   * For a log whose commit costs about the same for one signal as for many and lets nothing else run
   * meanwhile (PGlite runs a transaction without yielding): wait this long after a signal is emitted
   * before committing, so the signals emitted meanwhile share the commit. Delivery is that much later.
   */
  readonly lingerMs?: number;
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
