import type { Signal } from '@laneflow/core';
import type { RunWatch, WatchOptions } from './transport.ts';
import { createWatchState, runWatch } from './watch-state.ts';

/**
 * A watch over a run in this process: every signal after `options.after` from `source` (a live
 * run's iterator or a finished run's stored signals), ending with the run. `close()` ends a consumer
 * waiting for the next signal at once.
 */
export const watchLocal = (
  source: () => Promise<AsyncIterable<Signal> | Iterable<Signal>>,
  options: WatchOptions = {},
): RunWatch => {
  const state = createWatchState('connecting');
  let lastSeq = options.after ?? 0;
  let lastEventAt: number | undefined;
  let isClosed = false;
  let interrupt: (() => void) | undefined;
  const close = () => {
    isClosed = true;
    interrupt?.();
    state.set('closed');
  };
  /** `p`, or `closed` as soon as the watch is closed (one promise per wait, so nothing piles up). */
  const orClosed = <T>(p: Promise<T>) =>
    new Promise<T | 'closed'>((resolve, reject) => {
      if (isClosed) return resolve('closed');
      interrupt = () => resolve('closed');
      p.then(resolve, reject);
    }).finally(() => {
      interrupt = undefined;
    });
  if (options.signal?.aborted) close();
  options.signal?.addEventListener('abort', close);

  async function* iterate(): AsyncGenerator<Signal> {
    let inner: AsyncIterator<Signal> | Iterator<Signal> | undefined;
    try {
      const src = await orClosed(source());
      if (src === 'closed') return;
      state.set('open');
      inner = Symbol.asyncIterator in src ? src[Symbol.asyncIterator]() : src[Symbol.iterator]();
      for (;;) {
        const r = await orClosed(Promise.resolve(inner.next()));
        if (r === 'closed' || r.done) return;
        const s = r.value;
        if (s.seq <= lastSeq) continue;
        lastSeq = s.seq;
        lastEventAt = Date.now();
        yield s;
        if (isClosed) return;
      }
    } finally {
      void inner?.return?.();
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
