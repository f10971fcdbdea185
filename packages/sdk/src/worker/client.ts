import type { RunTransport } from '../transport.ts';
import type { Endpoint, FromWorker, RpcMethod } from './protocol.ts';
import { type WatchChannel, watchOverChannel } from './watch-client.ts';
import { fromWireError } from './wire-error.ts';

export interface WorkerTransport extends RunTransport {
  readonly kind: 'local';
  /** Stops listening: pending calls reject and watches end. Terminate the worker yourself. */
  dispose(): void;
}

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

/**
 * A {@link RunTransport} on the main thread whose engine runs in a Web Worker (see
 * `@laneflow/sdk/worker-entry`): every method is a message to the worker and its answer, errors come
 * back as the same classes (`HttpError` with status, code and issues), and `watch` streams signals
 * as messages. Also works over a `MessagePort` (tests, SharedWorker).
 */
export const createWorkerTransport = (worker: Endpoint): WorkerTransport => {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const streams = new Map<number, (m: FromWorker) => void>();

  const onMessage = (e: MessageEvent) => {
    const m = e.data as FromWorker;
    if (typeof m?.id !== 'number') return;
    const stream = streams.get(m.id);
    if (stream) return stream(m);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.t === 'result') p.resolve(m.value);
    else if (m.t === 'error') p.reject(fromWireError(m.error));
  };
  const failAll = (message: string) => {
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
    for (const s of streams.values()) s({ t: 'error', id: 0, error: { name: 'Error', message } });
  };
  /** A worker that fails to load or crashes answers nothing more: fail what waits on it. */
  const onError = (e: Event) => failAll(`the laneflow worker failed: ${(e as ErrorEvent).message ?? e.type}`);
  const target = worker as Endpoint & Partial<Pick<EventTarget, 'addEventListener' | 'removeEventListener'>>;
  worker.addEventListener('message', onMessage);
  target.addEventListener?.('error', onError);
  target.addEventListener?.('messageerror', onError);
  worker.start?.();

  const call = <M extends RpcMethod>(
    method: M,
    ...args: Parameters<RunTransport[M]>
  ): ReturnType<RunTransport[M]> => {
    const id = nextId++;
    // Drop trailing undefined arguments so defaults apply on the other side.
    const sent = [...args];
    while (sent.length > 0 && sent[sent.length - 1] === undefined) sent.pop();
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ t: 'call', id, method, args: sent });
      } catch (err) {
        // Not structured-cloneable (a function in a DAG, say): nothing was sent.
        pending.delete(id);
        reject(err);
      }
    }) as ReturnType<RunTransport[M]>;
  };

  const channel: WatchChannel = {
    send: (m) => worker.postMessage(m),
    listen(id, handler) {
      streams.set(id, handler as (m: FromWorker) => void);
      return () => streams.delete(id);
    },
  };

  return {
    kind: 'local',
    listDags: () => call('listDags'),
    getDag: (id) => call('getDag', id),
    saveDag: (spec) => call('saveDag', spec),
    deleteDag: (id) => call('deleteDag', id),
    dagVersions: (id) => call('dagVersions', id),
    getDagVersion: (id, version) => call('getDagVersion', id, version),
    startRun: (input) => call('startRun', input),
    listRuns: (query) => call('listRuns', query),
    getRun: (runId) => call('getRun', runId),
    signals: (runId, after, limit) => call('signals', runId, after, limit),
    cancelRun: (runId, reason) => call('cancelRun', runId, reason),
    watch: (runId, options) => watchOverChannel(channel, nextId++, runId, options),
    decide: (runId, approvalId, decision) => call('decide', runId, approvalId, decision),
    approvals: (status) => call('approvals', status),
    economics: (dagId, runs) => call('economics', dagId, runs),
    dispose() {
      worker.removeEventListener('message', onMessage);
      target.removeEventListener?.('error', onError);
      target.removeEventListener?.('messageerror', onError);
      failAll('the worker transport was disposed');
    },
  };
};
