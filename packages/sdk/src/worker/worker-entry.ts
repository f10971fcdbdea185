/**
 * The Web Worker that runs laneflow's engine in the browser (one per tab; see shared-worker-entry for
 * one engine shared by tabs), keeping DAGs and runs in IndexedDB as they go. Start it and talk to it with {@link createWorkerTransport}:
 *
 * ```ts
 * const worker = new Worker(new URL('@laneflow/sdk/worker-entry', import.meta.url), { type: 'module' });
 * const transport = createWorkerTransport(worker);
 * ```
 */
import { createLocalTransport } from '../local.ts';
import { createIndexedDbStore } from '../local-store.ts';
import type { Endpoint } from './protocol.ts';
import { serveTransport } from './serve.ts';

serveTransport(createLocalTransport({ store: createIndexedDbStore() }), self as unknown as Endpoint);
