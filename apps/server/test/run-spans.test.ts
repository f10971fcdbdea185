// A run's signals as spans: one span per node attempt, closed once, in its lane; retries are separate
// attempts; a resumed run continues its open spans; nothing is left open when the run ends.
import { defaultLadder, makeSignal, type Signal, type SignalDraft, withSeq } from '@laneflow/core';
import { describe, expect, it } from 'vitest';
import { attemptSpan } from '../src/observe/attempt-span.ts';
import { modelCallSpan } from '../src/observe/model-call.ts';
import { createRunSpans, type RunSpan } from '../src/observe/run-spans.ts';

const runId = 'r1';
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
const signals = (drafts: SignalDraft[]): Signal[] =>
  drafts.map((d, i) => withSeq({ ...d, at: at(i) }, i + 1) as Signal);
const node = { runId, at: '', nodeId: 'a' };

/** Node `a` fails its first attempt and is retried; `b` is queued and never ends before the run. */
const log = signals([
  makeSignal('run.started', { runId, at: '', ladder: defaultLadder, dagId: 'd' }),
  makeSignal('node.queued', { ...node, attempt: 1, tier: 0 }),
  makeSignal('node.started', { ...node, attempt: 1, tier: 0, model: 'sim-small' }),
  makeSignal('node.failed', {
    ...node,
    attempt: 1,
    error: { message: 'timeout', code: 'timeout' },
    willRetry: true,
    elapsedMs: 3,
  }),
  makeSignal('node.queued', { ...node, attempt: 2, tier: 1 }),
  makeSignal('node.started', { ...node, attempt: 2, tier: 1, model: 'sim-medium' }),
  makeSignal('usage', {
    ...node,
    attempt: 2,
    tier: 1,
    model: 'sim-medium',
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.001,
  }),
  makeSignal('node.queued', { ...node, nodeId: 'b', attempt: 1, tier: 0 }),
  makeSignal('node.succeeded', { ...node, attempt: 2, output: 'ok', elapsedMs: 5 }),
  makeSignal('run.succeeded', { runId, at: '' }),
]);

const spansOf = (batches: Signal[][], replayed: Signal[] = []) => {
  const out: RunSpan[] = [];
  const spans = createRunSpans({
    span: (s) => out.push(s),
    attempt: (a) => out.push(attemptSpan(a)),
    modelCall: (c) => out.push(modelCallSpan(c)),
  });
  spans.replay(replayed);
  for (const b of batches) spans.apply(b);
  return out;
};

const summary = (spans: RunSpan[]) =>
  spans.map((s) => [s.name, s.attributes['laneflow.attempt'], s.attributes['laneflow.lane'], s.error]);

describe('run spans', () => {
  it('make one span per attempt, each closed once, retries apart, open ones closed with the run', () => {
    const spans = spansOf([log]);
    expect(summary(spans)).toEqual([
      ['node a', 1, 'failed', 'timeout'],
      ['chat sim-medium', 2, undefined, undefined],
      ['node a', 2, 'succeeded', undefined],
      ['node b', 1, undefined, undefined],
      ['run d', undefined, undefined, undefined],
    ]);
    const [first, call, second, , run] = spans as [RunSpan, RunSpan, RunSpan, RunSpan, RunSpan];
    expect(second.attributes).toMatchObject({ 'laneflow.tier': 1, 'laneflow.model': 'sim-medium' });
    expect(second.events.map((e) => e.name)).toEqual(['node.started']);
    expect(call.parentSpanId).toBe(second.spanId);
    expect(first.spanId).not.toBe(second.spanId);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    for (const s of spans.filter((x) => x.name.startsWith('node '))) expect(s.parentSpanId).toBe(run.spanId);
    expect(run.parentSpanId).toBeUndefined();
  });

  it('are the same spans, under the same ids, whichever batch a resumed run starts from', () => {
    const whole = spansOf([log]);
    for (let cut = 1; cut < log.length; cut++)
      expect(spansOf([log.slice(cut)], log.slice(0, cut)), `resumed at ${cut}`).toEqual(
        whole.filter((s) => s.end >= Date.parse(at(cut))),
      );
  });

  it('close an attempt a log left open when the node is queued again', () => {
    const stale = signals([
      makeSignal('run.started', { runId, at: '', ladder: defaultLadder }),
      makeSignal('node.queued', { ...node, attempt: 1, tier: 0 }),
      makeSignal('node.queued', { ...node, attempt: 2, tier: 0 }),
      makeSignal('node.succeeded', { ...node, attempt: 1, output: 'late', elapsedMs: 1 }),
      makeSignal('node.succeeded', { ...node, attempt: 2, output: 'ok', elapsedMs: 1 }),
      makeSignal('run.succeeded', { runId, at: '' }),
    ]);
    expect(summary(spansOf([stale]))).toEqual([
      ['node a', 1, undefined, undefined],
      ['node a', 2, 'succeeded', undefined],
      ['run r1', undefined, undefined, undefined],
    ]);
  });
});
