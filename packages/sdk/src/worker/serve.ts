import type { RunTransport, RunWatch } from '../transport.ts';
import type { Endpoint, FromWorker, ToWorker } from './protocol.ts';
import { toWireError } from './wire-error.ts';

/**
 * Answers {@link createWorkerTransport}'s messages with `transport` (the worker side). Every call
 * gets one `result` or `error`; a watch streams `state` and `signal` messages and ends with `end` or
 * `error`, until the main thread sends `unwatch`. Returns a function that stops serving.
 */
export const serveTransport = (transport: RunTransport, endpoint: Endpoint): (() => void) => {
  const watches = new Map<number, RunWatch>();
  const post = (m: FromWorker) => endpoint.postMessage(m);

  const call = async (m: Extract<ToWorker, { t: 'call' }>) => {
    try {
      const fn = transport[m.method] as (...args: unknown[]) => Promise<unknown>;
      if (typeof fn !== 'function') throw new Error(`no method ${String(m.method)}`);
      post({ t: 'result', id: m.id, value: await fn.apply(transport, m.args) });
    } catch (err) {
      post({ t: 'error', id: m.id, error: toWireError(err) });
    }
  };

  const watch = async (m: Extract<ToWorker, { t: 'watch' }>) => {
    const w = transport.watch(m.runId, { after: m.after });
    watches.set(m.id, w);
    const off = w.onStateChange((state) => {
      if (watches.has(m.id)) post({ t: 'state', id: m.id, state });
    });
    try {
      for await (const signal of w) {
        if (!watches.has(m.id)) return;
        post({ t: 'signal', id: m.id, signal });
      }
      if (watches.has(m.id)) post({ t: 'end', id: m.id });
    } catch (err) {
      if (watches.has(m.id)) post({ t: 'error', id: m.id, error: toWireError(err) });
    } finally {
      off();
      watches.delete(m.id);
    }
  };

  const onMessage = (e: MessageEvent) => {
    const m = e.data as ToWorker;
    if (m?.t === 'call') void call(m);
    else if (m?.t === 'watch') void watch(m);
    else if (m?.t === 'unwatch') {
      const w = watches.get(m.id);
      watches.delete(m.id);
      w?.close();
    }
  };
  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();
  return () => {
    endpoint.removeEventListener('message', onMessage);
    for (const w of watches.values()) w.close();
    watches.clear();
  };
};
