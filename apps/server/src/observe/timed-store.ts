import type { Store } from '../store.ts';
import type { Metrics } from './metrics.ts';

/** `store`, timing each commit of a batch of signals into the commit histograms. */
export const timedStore = (store: Store, metrics: Metrics): Store => ({
  ...store,
  async appendSignals(runId, batch) {
    const t0 = performance.now();
    await store.appendSignals(runId, batch);
    metrics.commit(batch.length, (performance.now() - t0) / 1000);
  },
});
