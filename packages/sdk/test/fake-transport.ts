/** A transport whose watch the test feeds by hand, for the run store and hooks. */
import type { Signal } from '@laneflow/core';
import { createLocalTransport, type RunTransport, type RunWatch, type WatchOptions } from '../src/index.ts';
import { createWatchState } from '../src/watch-state.ts';
import { fanOutDag } from './fixtures.ts';

/** The signals of a real run (a fan-out of `items`), to replay. */
export const recordedRun = async (items = 20): Promise<Signal[]> => {
  const t = createLocalTransport();
  const { runId } = await t.startRun({ dag: fanOutDag(items, 0) });
  const out: Signal[] = [];
  for await (const s of t.watch(runId)) out.push(s);
  return out;
};

/** `watch` returns a stream the test pushes signals into; `watches` records each call's options. */
export const createFakeTransport = () => {
  const watches: Array<{ runId: string; options: WatchOptions; push(...s: Signal[]): void; end(): void }> =
    [];
  const transport = {
    kind: 'local',
    watch(runId: string, options: WatchOptions = {}): RunWatch {
      const state = createWatchState('connecting');
      const queue: Signal[] = [];
      let done = false;
      let wake: (() => void) | undefined;
      const poke = () => {
        wake?.();
        wake = undefined;
      };
      let lastSeq = options.after ?? 0;
      async function* iterate() {
        state.set('open');
        try {
          for (;;) {
            while (queue.length > 0) {
              const s = queue.shift() as Signal;
              lastSeq = s.seq;
              yield s;
            }
            if (done) return;
            await new Promise<void>((r) => {
              wake = r;
            });
          }
        } finally {
          state.set('closed');
        }
      }
      const it = iterate();
      watches.push({
        runId,
        options,
        push: (...s) => {
          queue.push(...s);
          poke();
        },
        end: () => {
          done = true;
          poke();
        },
      });
      return {
        [Symbol.asyncIterator]: () => it,
        get state() {
          return state.get();
        },
        lastEventAt: undefined,
        get lastSeq() {
          return lastSeq;
        },
        onStateChange: state.on,
        close() {
          done = true;
          state.set('closed');
          poke();
        },
      };
    },
  } as unknown as RunTransport;
  return { transport, watches };
};
