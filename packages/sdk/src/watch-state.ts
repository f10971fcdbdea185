import type { Signal } from '@laneflow/core';
import type { ConnectionState, RunWatch } from './transport.ts';

/** Connection state with listeners, shared by the remote and local watches. */
export const createWatchState = (initial: ConnectionState) => {
  let state = initial;
  const listeners = new Set<(s: ConnectionState) => void>();
  return {
    get: () => state,
    set(next: ConnectionState) {
      if (next === state) return;
      state = next;
      for (const l of listeners) l(next);
    },
    on(listener: (s: ConnectionState) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};

export type WatchState = ReturnType<typeof createWatchState>;

/** The {@link RunWatch} face of a watch implementation: its iterator, state and position. */
export const runWatch = (o: {
  iterator: AsyncIterator<Signal>;
  state: WatchState;
  lastSeq: () => number;
  lastEventAt: () => number | undefined;
  close: () => void;
}): RunWatch => ({
  [Symbol.asyncIterator]: () => o.iterator,
  get state() {
    return o.state.get();
  },
  get lastEventAt() {
    return o.lastEventAt();
  },
  get lastSeq() {
    return o.lastSeq();
  },
  onStateChange: o.state.on,
  close: o.close,
});
