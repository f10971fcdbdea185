import type { DagRecord } from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';

let early: { transport: RunTransport; id: string; record: Promise<DagRecord> } | undefined;

/**
 * Starts fetching the DAG an editor URL names before React's first render (main.tsx), so the
 * request and the server's answer (~1 MB for 5,000 nodes) overlap the app's start instead of
 * waiting for the editor's effect.
 */
export const prefetchDag = (transport: RunTransport, id: string): void => {
  const record = transport.getDag(id);
  // Reported by whoever opens it (openDag); unopened, it must not surface as an unhandled rejection.
  record.catch(() => {});
  early = { transport, id, record };
};

/** The DAG record for the editor: the prefetched one when it is the same request, once. */
export const openDag = (transport: RunTransport, id: string): Promise<DagRecord> => {
  const e = early;
  early = undefined;
  return e && e.transport === transport && e.id === id ? e.record : transport.getDag(id);
};
