import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAsyncQueue } from '../src/index.ts';

describe('the async queue', () => {
  it('yields every pushed item in order, however pushes and reads interleave, then ends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 200 }), async (steps) => {
        const q = createAsyncQueue<number>();
        const got: number[] = [];
        const reading = (async () => {
          for await (const x of q) got.push(x);
        })();
        let n = 0;
        for (const push of steps) {
          if (push) q.push(n++);
          else await Promise.resolve();
        }
        q.end();
        await reading;
        expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('throws the end error after the items, once', async () => {
    const q = createAsyncQueue<string>();
    q.push('a');
    q.end(new Error('lost'));
    expect(await q.next()).toEqual({ value: 'a', done: false });
    await expect(q.next()).rejects.toThrow('lost');
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('a consumer that stops early drops the rest and is reported once', async () => {
    let returned = 0;
    const q = createAsyncQueue<number>(() => returned++);
    for (let i = 0; i < 3000; i++) q.push(i);
    const got: number[] = [];
    for await (const x of q) {
      got.push(x);
      if (x === 2000) break;
    }
    await q.return();
    expect(got).toHaveLength(2001);
    expect(returned).toBe(1);
    q.push(1);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });
});
