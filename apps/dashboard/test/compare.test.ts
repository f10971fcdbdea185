import type { RunSnapshot } from '@laneflow/core';
import { describe, expect, it } from 'vitest';
import { compareRows } from '../src/compare/compare-rows.ts';
import { lineDiff } from '../src/compare/line-diff.ts';

describe('line diff', () => {
  it('keeps common lines and marks what only one side has', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { op: 'same', line: 'a' },
      { op: 'removed', line: 'b' },
      { op: 'added', line: 'x' },
      { op: 'same', line: 'c' },
      { op: 'added', line: 'd' },
    ]);
    expect(lineDiff('same', 'same')).toEqual([{ op: 'same', line: 'same' }]);
  });

  it('declines to diff very long outputs', () => {
    expect(lineDiff('x\n'.repeat(500), 'y')).toBeUndefined();
  });
});

const snap = (nodes: object[]): RunSnapshot =>
  ({
    run: { id: 'r', dagId: 'd', dagName: 'D', status: 'succeeded', createdAt: '', costUsd: 0 },
    dag: {
      id: 'd',
      nodes: [
        { id: 'plan', kind: 'llm' },
        { id: 'ok', kind: 'approval' },
      ],
      edges: [],
    },
    lastSeq: 1,
    counts: {},
    nodes,
  }) as unknown as RunSnapshot;

describe('compare rows', () => {
  it('matches nodes by id across two runs, with lane, tier, cost, duration and output as text', () => {
    const a = snap([
      {
        id: 'plan',
        label: 'Plan',
        lane: 'succeeded',
        tier: 0,
        costUsd: 0.002,
        elapsedMs: 600,
        output: { q: 1 },
      },
      // An approval node's work takes 0 ms; what it took was the person's 5 s.
      { id: 'ok', lane: 'succeeded', tier: 0, costUsd: 0, elapsedMs: 0, waitedMs: 5000, output: 'yes' },
    ]);
    const b = snap([
      { id: 'plan', label: 'Plan', lane: 'escalated', tier: 0, costUsd: 0.001, elapsedMs: 400 },
      {
        id: 'plan~1',
        label: 'Plan ↑ medium',
        lane: 'succeeded',
        tier: 1,
        costUsd: 0.01,
        output: 'x',
      },
    ]);
    expect(compareRows(a, b, ['small', 'medium'], ['small', 'medium'])).toEqual([
      {
        id: 'plan',
        label: 'Plan',
        a: { lane: 'succeeded', tier: 'small', costUsd: 0.002, elapsedMs: 600, output: '{\n  "q": 1\n}' },
        b: { lane: 'escalated', tier: 'small', costUsd: 0.001, elapsedMs: 400, output: undefined },
      },
      {
        id: 'ok',
        label: 'ok',
        a: { lane: 'succeeded', tier: 'approval', costUsd: 0, elapsedMs: 5000, output: 'yes' },
        b: undefined,
      },
      {
        id: 'plan~1',
        label: 'Plan ↑ medium',
        a: undefined,
        b: { lane: 'succeeded', tier: 'medium', costUsd: 0.01, elapsedMs: undefined, output: 'x' },
      },
    ]);
  });
});
