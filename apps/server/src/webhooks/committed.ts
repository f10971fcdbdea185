import type { Signal } from '@laneflow/core';
import type { Store } from '../store.ts';

/**
 * `store`, telling `onCommitted` of each batch of signals once it is committed: what the run manager
 * executes here is delivered from here, once, and nothing is told that the store did not keep.
 */
export const notifyingStore = (
  store: Store,
  onCommitted: (runId: string, batch: readonly Signal[]) => void,
): Store => ({
  ...store,
  async appendSignals(runId, batch) {
    await store.appendSignals(runId, batch);
    onCommitted(runId, batch);
  },
});
