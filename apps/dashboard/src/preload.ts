import { savedConnection } from './connection/saved.ts';
import { parseRoute } from './route.ts';

const early = new Map<string, Promise<Response>>();
const keyOf = (url: string, headers?: HeadersInit) =>
  `${url} ${new Headers(headers).get('authorization') ?? ''}`;

/**
 * Starts fetching what the opening page needs from the server while the app's code (~700 kB) is
 * still downloading, parsing and evaluating: for the editor, its DAG (~1 MB at 5,000 nodes). The
 * request is the SDK's `getDag` (same URL, same token); if they ever differ, nothing is taken and
 * the SDK fetches as usual.
 */
export const preloadRoute = (): void => {
  const route = parseRoute(window.location.hash);
  const server = savedConnection();
  if (route.page !== 'editor' || route.dagId === undefined || !server) return;
  const dag = `${server.serverUrl}/api/dags/${encodeURIComponent(route.dagId)}`;
  // Exactly the URL of the SDK's getDag, or getDagVersion when the link names a version.
  const url = route.version ? `${dag}/versions/${route.version}` : dag;
  const headers = { authorization: `Bearer ${server.token}` };
  const response = fetch(url, { headers });
  // Reported to the request that takes it; one that is never taken must not surface as unhandled.
  response.catch(() => {});
  early.set(keyOf(url, headers), response);
};

/** `fetch` for the SDK: a GET that was preloaded is answered with that response, once. */
export const preloadingFetch: typeof fetch = (input, init) => {
  if (typeof input === 'string' && (init?.method ?? 'GET') === 'GET') {
    const key = keyOf(input, init?.headers);
    const response = early.get(key);
    if (response) {
      early.delete(key);
      return response;
    }
  }
  return fetch(input, init);
};
