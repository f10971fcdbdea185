import { useMemo, useSyncExternalStore } from 'react';
import { createRunStore, type RunStoreSnapshot } from '../run-store.ts';
import type { RunTransport } from '../transport.ts';

/**
 * The live projection of a run, re-rendering at most once per animation frame however fast
 * signals arrive. Works the same with a remote or a local transport.
 */
export const useRun = (transport: RunTransport, runId: string): RunStoreSnapshot => {
  const store = useMemo(() => createRunStore(transport, runId), [transport, runId]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
};
