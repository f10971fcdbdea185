import type { Signal } from '@laneflow/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRunStore } from '../src/index.ts';
import { createFakeTransport, recordedRun } from './fake-transport.ts';
import { sleep } from './fixtures.ts';

/** Lets every queued microtask (the watch's async iteration) run. */
const settle = () => new Promise((r) => setImmediate(r));

let run: Signal[];
beforeAll(async () => {
  run = await recordedRun(20);
});

describe('createRunStore with requestAnimationFrame', () => {
  let frames: Array<() => void> = [];
  const frame = () => {
    const due = frames;
    frames = [];
    for (const f of due) f();
  };
  afterEach(() => {
    vi.unstubAllGlobals();
    frames = [];
  });

  it('applies a burst of signals and notifies once, on the next frame', async () => {
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => frames.push(f));
    const { transport, watches } = createFakeTransport();
    const store = createRunStore(transport, 'r1');
    let notified = 0;
    const unsubscribe = store.subscribe(() => notified++);
    expect(watches).toHaveLength(1);
    expect(watches[0]?.options.after).toBe(0);

    const burst = run.slice(0, -5);
    watches[0]?.push(...burst);
    await settle();
    expect(notified).toBe(0);
    expect(frames.length).toBe(1);
    frame();
    expect(notified).toBe(1);
    const snap = store.getSnapshot();
    expect(snap.view.lastSeq).toBe(burst.length);
    expect(snap.state).toBe('open');
    expect(snap.rev).toBe(1);
    expect(store.getSnapshot()).toBe(snap);

    // Nothing new, no frame requested, no notification.
    await settle();
    expect(frames.length).toBe(0);

    watches[0]?.push(...run.slice(-5));
    watches[0]?.end();
    await settle();
    frame();
    expect(notified).toBe(2);
    const last = store.getSnapshot();
    expect(last.rev).toBe(2);
    expect(last.view.lastSeq).toBe(run.length);
    expect(last.view.status).toBe('succeeded');
    expect(last.state).toBe('closed');
    expect(last.view.nodes.get('sum')?.lane).toBe('succeeded');
    unsubscribe();
  });

  it('stops watching when the last subscriber leaves and resumes after the last applied seq', async () => {
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => frames.push(f));
    const { transport, watches } = createFakeTransport();
    const store = createRunStore(transport, 'r1');
    const off = store.subscribe(() => {});
    watches[0]?.push(...run.slice(0, 10));
    await settle();
    frame();
    off();
    await settle();
    expect(store.getSnapshot().view.lastSeq).toBe(10);

    let notified = 0;
    const off2 = store.subscribe(() => notified++);
    expect(watches).toHaveLength(2);
    expect(watches[1]?.options.after).toBe(10);
    watches[1]?.push(...run.slice(10));
    watches[1]?.end();
    await settle();
    frame();
    expect(notified).toBe(1);
    expect(store.getSnapshot().view.lastSeq).toBe(run.length);
    off2();
  });
});

describe('createRunStore without requestAnimationFrame (Node)', () => {
  it('falls back to a 16 ms timer: one notification per burst', async () => {
    expect(typeof globalThis.requestAnimationFrame).toBe('undefined');
    const { transport, watches } = createFakeTransport();
    const store = createRunStore(transport, 'r1');
    let notified = 0;
    store.subscribe(() => notified++);
    watches[0]?.push(...run);
    watches[0]?.end();
    await sleep(60);
    expect(notified).toBe(1);
    expect(store.getSnapshot().view.lastSeq).toBe(run.length);
    expect(store.getSnapshot().state).toBe('closed');
  });

  it('reports a watch error in the snapshot', async () => {
    const { transport } = createFakeTransport();
    const failing = {
      ...transport,
      watch: () => {
        const it: AsyncIterator<Signal> = { next: () => Promise.reject(new Error('boom')) };
        return {
          [Symbol.asyncIterator]: () => it,
          state: 'closed' as const,
          lastEventAt: undefined,
          lastSeq: 0,
          onStateChange: () => () => {},
          close() {},
        };
      },
    };
    const store = createRunStore(failing, 'r1');
    store.subscribe(() => {});
    await sleep(40);
    expect(store.getSnapshot().error?.message).toBe('boom');
  });
});
