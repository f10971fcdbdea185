/**
 * Stream watchers waiting for a run's next committed signals: woken when this process commits some,
 * or when another process on the same database says it did (cluster mode).
 */
export const createRunWakers = () => {
  const wakers = new Map<string, Set<() => void>>();
  /** Highest seq another process told us it committed, per run. */
  const committedElsewhere = new Map<string, number>();

  const wake = (runId: string) => {
    const set = wakers.get(runId);
    if (!set) return;
    wakers.delete(runId);
    for (const w of set) w();
  };

  return {
    wake,

    /** Another process committed `runId`'s signals up to `seq`: wakes its watchers here. */
    committedElsewhere(runId: string, seq: number) {
      if (seq > (committedElsewhere.get(runId) ?? 0)) {
        committedElsewhere.delete(runId);
        committedElsewhere.set(runId, seq);
        if (committedElsewhere.size > 10_000)
          committedElsewhere.delete(committedElsewhere.keys().next().value as string);
      }
      wake(runId);
    },

    /** Resolves when another process has committed past `after`, when woken, or after `ms`. */
    wait(runId: string, after: number, ms: number): Promise<void> {
      if ((committedElsewhere.get(runId) ?? 0) > after) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakers.get(runId)?.delete(done);
          resolve();
        }
        const set = wakers.get(runId) ?? new Set();
        wakers.set(runId, set);
        set.add(done);
      });
    },
  };
};
