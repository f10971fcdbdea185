/** The worker protocol's own promises, over a MessageChannel: closing, aborting, errors, disposal. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLocalTransport,
  createWorkerTransport,
  HttpError,
  NetworkError,
  type RunTransport,
  serveTransport,
  ValidationError,
} from '../src/index.ts';
import { fromWireError, toWireError } from '../src/worker/wire-error.ts';
import { approvalDag, collect, isType, sleep } from './fixtures.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A worker transport over a MessageChannel; `closed` counts watches the serving side closed. */
const connect = (local: RunTransport = createLocalTransport()) => {
  const closed = { count: 0 };
  const spied: RunTransport = {
    ...local,
    watch(runId, options) {
      const w = local.watch(runId, options);
      return Object.assign(Object.create(w), {
        [Symbol.asyncIterator]: () => w[Symbol.asyncIterator](),
        close() {
          closed.count++;
          w.close();
        },
      });
    },
  };
  const { port1, port2 } = new MessageChannel();
  const stop = serveTransport(spied, port2 as never);
  const transport = createWorkerTransport(port1 as never);
  cleanups.push(() => {
    transport.dispose();
    stop();
    port1.close();
    port2.close();
  });
  return { transport, local, closed };
};

/** Resolves with how the iteration of `watch` ended, or 'pending' if it has not within `ms`. */
const endsWithin = (done: Promise<unknown>, ms: number) =>
  Promise.race([done.then(() => 'ended' as const), sleep(ms).then(() => 'pending' as const)]);

describe('worker transport', () => {
  it('close() ends an iteration waiting for the next signal at once, and stops the served watch', async () => {
    const { transport, closed } = connect();
    const { runId } = await transport.startRun({ dag: approvalDag() });
    const w = transport.watch(runId);
    const c = collect(w);
    await c.until(isType('node.awaiting_approval'), 'node.awaiting_approval');
    // The run now waits for a person: the consumer is parked on the next signal.
    expect(await endsWithin(c.done, 100)).toBe('pending');
    w.close();
    expect(await endsWithin(c.done, 1000)).toBe('ended');
    expect(w.state).toBe('closed');
    for (let i = 0; i < 50 && closed.count === 0; i++) await sleep(10);
    expect(closed.count).toBe(1);
    await transport.cancelRun(runId);
  });

  it('an aborted AbortSignal ends the watch', async () => {
    const { transport } = connect();
    const { runId } = await transport.startRun({ dag: approvalDag() });
    const abort = new AbortController();
    const c = collect(transport.watch(runId, { signal: abort.signal }));
    await c.until(isType('node.awaiting_approval'), 'node.awaiting_approval');
    abort.abort();
    expect(await endsWithin(c.done, 1000)).toBe('ended');
    await transport.cancelRun(runId);
  });

  it('dispose() rejects calls still waiting for the worker', async () => {
    const { port1 } = new MessageChannel(); // nobody answers
    const transport = createWorkerTransport(port1 as never);
    const pending = transport.listDags();
    transport.dispose();
    await expect(pending).rejects.toThrow(/disposed/);
    port1.close();
  });

  it('a value that cannot be cloned rejects without leaving the call pending', async () => {
    const { transport } = connect();
    await expect(transport.saveDag({ id: 'x', nodes: [], fn: () => 1 } as never)).rejects.toThrow();
    expect(await transport.listDags()).toEqual([]);
  });

  it('errors cross the boundary as the same classes with their fields', () => {
    const issues = [{ path: 'nodes', code: 'too_small', message: 'at least one' }];
    const http = fromWireError(toWireError(new HttpError(409, 'conflict', 'already approved', issues)));
    expect(http).toBeInstanceOf(HttpError);
    expect(http).toMatchObject({ status: 409, code: 'conflict', message: 'already approved', issues });
    const invalid = fromWireError(toWireError(new ValidationError('bad frame', issues)));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toMatchObject({ message: 'bad frame', issues });
    expect(fromWireError(toWireError(new NetworkError('down')))).toBeInstanceOf(NetworkError);
    const plain = fromWireError(toWireError(new TypeError('oops')));
    expect(plain).toMatchObject({ name: 'TypeError', message: 'oops' });
    expect(fromWireError(toWireError('a string'))).toMatchObject({ message: 'a string' });
  });
});

describe('local transport watch', () => {
  it('close() ends an iteration waiting for the next signal at once', async () => {
    const t = createLocalTransport();
    const { runId } = await t.startRun({ dag: approvalDag() });
    const w = t.watch(runId);
    const c = collect(w);
    await c.until(isType('node.awaiting_approval'), 'node.awaiting_approval');
    expect(await endsWithin(c.done, 100)).toBe('pending');
    w.close();
    expect(await endsWithin(c.done, 1000)).toBe('ended');
    expect(w.state).toBe('closed');
    await t.cancelRun(runId);
  });
});
