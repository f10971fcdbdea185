/**
 * The engine as a SharedWorker: one engine for every tab of the origin, so a second tab follows a
 * browser run live and a decision from any tab reaches the run. Runs are kept in IndexedDB as they
 * go; when the last tab closes, the next page to open resumes unfinished runs from there.
 *
 * ```ts
 * const worker = new SharedWorker(new URL('@laneflow/sdk/shared-worker-entry', import.meta.url), { type: 'module' });
 * const transport = createWorkerTransport(worker.port);
 * ```
 */
import { createLocalTransport } from '../local.ts';
import { createIndexedDbStore } from '../local-store.ts';
import type { Endpoint } from './protocol.ts';
import { serveTransport } from './serve.ts';

interface SharedWorkerScope {
  addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
}

const transport = createLocalTransport({ store: createIndexedDbStore() });
(self as unknown as SharedWorkerScope).addEventListener('connect', (event) => {
  const port = event.ports[0];
  if (port) serveTransport(transport, port as unknown as Endpoint);
});
