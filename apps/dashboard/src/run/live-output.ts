import type { Signal } from '@laneflow/core';
import { createContext, useContext } from 'react';
import { createStore, type StoreApi, useStore } from 'zustand';

/** The text each running node's model has streamed so far (`node.output_delta`), by node id. */
export interface LiveOutput {
  texts: Record<string, string>;
}

/** Signals that end or restart an attempt: its streamed text is then the node's output, or gone. */
const closes = new Set<Signal['type']>([
  'node.queued',
  'node.started',
  'node.succeeded',
  'node.failed',
  'node.escalated',
  'node.skipped',
  'node.cancelled',
]);

/**
 * Folds a run's signals into the text streamed by each running node, incrementally: `feed` is
 * called with the run's append-only signal list after each (frame-throttled) flush and reads only
 * what is new. Components select one node's text, so a delta re-renders that node alone.
 */
export const createLiveOutput = () => {
  const store = createStore<LiveOutput>(() => ({ texts: {} }));
  let applied = 0;
  return {
    store,
    feed(signals: readonly Signal[]) {
      let texts: Record<string, string> | undefined;
      const edit = () => {
        texts ??= { ...store.getState().texts };
        return texts;
      };
      for (; applied < signals.length; applied++) {
        const s = signals[applied] as Signal;
        if (s.type === 'node.output_delta') {
          const t = edit();
          t[s.nodeId] = (t[s.nodeId] ?? '') + s.text;
        } else if (
          closes.has(s.type) &&
          'nodeId' in s &&
          (texts ?? store.getState().texts)[s.nodeId] !== undefined
        )
          delete edit()[s.nodeId];
      }
      if (texts) store.setState({ texts });
    },
  };
};

const none = createStore<LiveOutput>(() => ({ texts: {} }));

/** The run view's streamed texts; outside a run view (or in a replay), none. */
export const LiveOutputContext = createContext<StoreApi<LiveOutput>>(none);

/** What node `nodeId` has streamed so far in its running attempt, if anything. */
export const useLiveText = (nodeId: string): string | undefined =>
  useStore(useContext(LiveOutputContext), (s) => s.texts[nodeId]);
