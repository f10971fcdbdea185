import { useSyncExternalStore } from 'react';

// One shared ticker for every elapsed-time display, instead of a timer per node.
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

const subscribe = (cb: () => void) => {
  listeners.add(cb);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 500);
  return () => {
    listeners.delete(cb);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
};

/** `Date.now()`, refreshed twice a second while anything displays it. */
export const useNow = (active: boolean): number =>
  useSyncExternalStore(active ? subscribe : noop, () => (active ? now : 0));

const noop = () => () => {};
