import { useSyncExternalStore } from 'react';
import { hrefFor, parseRoute, type Route } from './route.ts';

export const navigate = (r: Route): void => {
  window.location.hash = hrefFor(r);
};

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

export const useRoute = (): Route => {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
};
