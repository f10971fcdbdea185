import { createAsyncQueue, type Signal } from '@laneflow/core';
import type { RunWatch, WatchOptions } from '../transport.ts';
import { createWatchState, runWatch } from '../watch-state.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { fromWireError } from './wire-error.ts';

type StreamMessage = Extract<FromWorker, { t: 'signal' | 'state' | 'end' | 'error' }>;

export interface WatchChannel {
  send(message: ToWorker): void;
  /** Routes the worker's messages for stream `id` to `handler` until the returned function is called. */
  listen(id: number, handler: (m: StreamMessage) => void): () => void;
}

/**
 * The main-thread half of a watch served by the worker: signals arrive as messages and are queued
 * until the consumer asks for them; `close()` tells the worker to stop and ends the iteration at once.
 */
export const watchOverChannel = (
  channel: WatchChannel,
  id: number,
  runId: string,
  options: WatchOptions = {},
): RunWatch => {
  const state = createWatchState('connecting');
  let lastSeq = options.after ?? 0;
  let received = lastSeq;
  let lastEventAt: number | undefined;
  // Stopping early (the consumer's `return`) is a close like any other.
  const queue = createAsyncQueue<Signal>(() => close());
  let stopped = false;
  const finish = (error?: Error) => {
    if (stopped) return;
    stopped = true;
    unlisten();
    queue.end(error);
  };
  const unlisten = channel.listen(id, (m) => {
    if (m.t === 'signal') {
      lastEventAt = Date.now();
      if (m.signal.seq <= received) return;
      received = m.signal.seq;
      queue.push(m.signal);
    } else if (m.t === 'state') {
      if (m.state !== 'closed') state.set(m.state);
    } else if (m.t === 'error') finish(fromWireError(m.error));
    else finish();
  });

  function close() {
    if (!stopped) channel.send({ t: 'unwatch', id });
    finish();
    void queue.return();
    state.set('closed');
  }
  options.signal?.addEventListener('abort', close);
  channel.send({ t: 'watch', id, runId, after: lastSeq });

  async function* iterate(): AsyncGenerator<Signal> {
    try {
      for await (const s of queue) {
        lastSeq = s.seq;
        yield s;
      }
    } finally {
      close();
    }
  }

  return runWatch({
    iterator: iterate(),
    state,
    lastSeq: () => lastSeq,
    lastEventAt: () => lastEventAt,
    close: close,
  });
};
