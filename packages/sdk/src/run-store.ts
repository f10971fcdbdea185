import { apply, createRunView, type RunView, type Signal } from '@laneflow/core';
import type { ConnectionState, RunTransport, RunWatch } from './transport.ts';

export interface RunStoreSnapshot {
  view: RunView;
  /** Every signal applied so far, in seq order (append-only; read `length` up to `view.lastSeq`). */
  signals: readonly Signal[];
  /** Changes on every flush, so `useSyncExternalStore` re-renders. */
  rev: number;
  state: ConnectionState;
  lastEventAt: number | undefined;
  error: Error | undefined;
}

const nextFrame = (fn: () => void): void => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(fn);
  else setTimeout(fn, 16);
};

/**
 * A framework-free live projection of one run: watches while anyone is subscribed (resuming from
 * the last applied seq after a pause), applies each signal as it arrives, and notifies subscribers
 * at most once per animation frame, so a burst of signals costs one render.
 */
export const createRunStore = (transport: RunTransport, runId: string) => {
  const view = createRunView();
  const signals: Signal[] = [];
  const listeners = new Set<() => void>();
  let watch: RunWatch | undefined;
  let snapshot: RunStoreSnapshot = {
    view,
    signals,
    rev: 0,
    state: 'connecting',
    lastEventAt: undefined,
    error: undefined,
  };
  let scheduled = false;
  let error: Error | undefined;

  const flush = () => {
    scheduled = false;
    snapshot = {
      view,
      signals,
      rev: snapshot.rev + 1,
      state: watch?.state ?? 'closed',
      lastEventAt: watch?.lastEventAt,
      error,
    };
    for (const l of listeners) l();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    nextFrame(flush);
  };

  const start = () => {
    const w = transport.watch(runId, { after: view.lastSeq });
    watch = w;
    w.onStateChange(schedule);
    void (async () => {
      try {
        for await (const s of w) {
          if (apply(view, s)) signals.push(s);
          schedule();
        }
      } catch (err) {
        error = err as Error;
        schedule();
      }
    })();
  };

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      if (!watch || watch.state === 'closed') {
        if (!watch || view.status === 'pending' || view.status === 'running') start();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) watch?.close();
      };
    },
    getSnapshot: () => snapshot,
  };
};

export type RunStore = ReturnType<typeof createRunStore>;
