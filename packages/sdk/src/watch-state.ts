import type { ConnectionState } from './transport.ts';

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
