export { createWorkerTransport, type WorkerTransport } from './client.ts';
export type { Endpoint } from './protocol.ts';
export { serveTransport } from './serve.ts';
