import { describe, expect, it } from 'vitest';
import type { Signal } from '../src/index.ts';
import { buildDag, start } from './run-helpers.ts';

const dag = buildDag({
  nodes: [
    { id: 'a', kind: 'llm', prompt: 'a', sim: { answer: 'A', latencyMs: 10 } },
    { id: 'b', kind: 'transform', mapping: '{{a}}' },
  ],
  edges: [{ source: 'a', target: 'b' }],
});

describe('observers cannot break a run', () => {
  it('a listener that throws is reported, and the run, the log and other listeners go on', async () => {
    const reported: Array<[unknown, number]> = [];
    const run = start(dag, { onListenerError: (err, s) => reported.push([err, s.seq]) });
    const others: Signal[] = [];
    run.handle.subscribe((s) => {
      if (s.type === 'node.started') throw new Error('observer bug');
    });
    run.handle.subscribe((s) => others.push(s));
    const result = await run.done();
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ a: 'A', b: 'A' });
    expect(others).toEqual(run.handle.signals);
    expect(run.signals).toEqual(run.handle.signals);
    const started = run.handle.signals.filter((s) => s.type === 'node.started').map((s) => s.seq);
    expect(reported.map(([, seq]) => seq)).toEqual(started);
    expect(reported.every(([err]) => err instanceof Error && err.message === 'observer bug')).toBe(true);
  });

  it('reports to console.error by default', async () => {
    const original = console.error;
    const lines: unknown[][] = [];
    console.error = (...args: unknown[]) => lines.push(args);
    let total = 0;
    try {
      const run = start(dag);
      run.handle.subscribe(() => {
        throw new Error('boom');
      });
      expect((await run.done()).status).toBe('succeeded');
      total = run.handle.signals.length;
    } finally {
      console.error = original;
    }
    expect(lines.length).toBe(total);
    expect(lines[0]?.[1]).toMatchObject({ message: 'boom' });
  });
});
