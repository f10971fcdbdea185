import type { Issue, Signal } from '@laneflow/core';
import type { ConnectionState, RunTransport } from '../transport.ts';

/**
 * The messages between {@link createWorkerTransport} (main thread) and {@link serveTransport} (the
 * Web Worker). Everything is structured-cloneable: plain JSON, no class instances.
 */

/** The transport methods that are one request, one answer. */
export type RpcMethod = Exclude<keyof RunTransport, 'kind' | 'watch'>;

/** An error as it crosses the boundary; re-created as the same class on the other side. */
export interface WireError {
  name: string;
  message: string;
  status?: number;
  code?: string;
  issues?: Issue[];
}

export type ToWorker =
  | { t: 'call'; id: number; method: RpcMethod; args: unknown[] }
  | { t: 'watch'; id: number; runId: string; after: number }
  | { t: 'unwatch'; id: number };

export type FromWorker =
  | { t: 'result'; id: number; value: unknown }
  | { t: 'error'; id: number; error: WireError }
  | { t: 'signal'; id: number; signal: Signal }
  | { t: 'state'; id: number; state: ConnectionState }
  | { t: 'end'; id: number };

/** What both a `Worker`, the worker's own global scope and a `MessagePort` offer. */
export interface Endpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** A `MessagePort` delivers nothing until started. */
  start?(): void;
}
