import { describe, expect, it } from 'vitest';
import {
  createVirtualClock,
  type DagSpec,
  type DecisionInput,
  type Signal,
  type SignalOf,
  startRun,
  validateDag,
} from '../src/index.ts';
import { ladderOf } from './run-helpers.ts';

const dagOf = (raw: unknown): DagSpec => {
  const r = validateDag(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};

/** plan → (slow, gate) → review (approval) → publish; `slow` takes long enough to be cut off. */
const dag = dagOf({
  id: 'recover',
  nodes: [
    { id: 'plan', kind: 'llm', prompt: 'plan', sim: { answer: 'P', latencyMs: 10 } },
    { id: 'slow', kind: 'llm', prompt: 'slow {{plan}}', sim: { answer: 'S', latencyMs: 10_000 } },
    { id: 'review', kind: 'approval', prompt: 'ok?', payload: '{{plan}}' },
    {
      id: 'publish',
      kind: 'transform',
      mapping: { plan: '{{plan}}', slow: '{{slow}}', review: '{{review}}' },
    },
  ],
  edges: [
    { source: 'plan', target: 'slow' },
    { source: 'plan', target: 'review' },
    { source: 'slow', target: 'publish' },
    { source: 'review', target: 'publish' },
  ],
});

/** Runs until `stop` holds for the committed signals, then "crashes": returns what was committed. */
const runUntil = async (d: DagSpec, stop: (signals: readonly Signal[]) => boolean) => {
  const clock = createVirtualClock();
  const h = startRun(d, { clock, runId: 'r1' });
  await new Promise<void>((resolve) => {
    const off = h.subscribe(() => {
      if (stop(h.signals)) {
        off();
        resolve();
      }
    });
  });
  clock.stop();
  return [...h.signals];
};

/** Resumes `d` from `history` on a fresh clock, deciding every request with `decide`; returns the run. */
const resume = async (
  d: DagSpec,
  history: readonly Signal[],
  decide: (s: SignalOf<'node.awaiting_approval'>) => DecisionInput | undefined = () => undefined,
) => {
  const clock = createVirtualClock();
  const h = startRun(d, { clock, runId: 'r1', history });
  h.subscribe((s) => {
    const input = s.type === 'node.awaiting_approval' ? decide(s) : undefined;
    if (s.type === 'node.awaiting_approval' && input) queueMicrotask(() => h.decide(s.approvalId, input));
  });
  const result = await h.result;
  clock.stop();
  return { h, result, fresh: h.signals.slice(history.length) };
};

/** The signals up to and including the first that `hit` matches: a crash right after it committed. */
const through = (signals: readonly Signal[], hit: (s: Signal) => boolean): Signal[] =>
  signals.slice(0, signals.findIndex(hit) + 1);

describe('resuming a run from its signals', () => {
  it('keeps succeeded nodes, re-queues running ones with attempt+1, and keeps approvals decidable', async () => {
    const history = await runUntil(
      dag,
      (s) =>
        s.some((x) => x.type === 'node.awaiting_approval') &&
        s.some((x) => x.type === 'node.started' && x.nodeId === 'slow'),
    );
    const approval = history.find((s) => s.type === 'node.awaiting_approval');
    if (approval?.type !== 'node.awaiting_approval') throw new Error('no approval');

    const clock = createVirtualClock();
    const h = startRun(dag, { clock, runId: 'r1', history });
    const fresh: Signal[] = [];
    h.subscribe((s) => {
      fresh.push(s);
      if (s.type === 'node.queued' && s.nodeId === 'slow')
        queueMicrotask(() =>
          expect(h.decide(approval.approvalId, { decision: 'approved', by: 'ann' })).toEqual({
            ok: true,
            duplicate: false,
          }),
        );
    });
    const result = await h.result;
    clock.stop();

    expect(result.status).toBe('succeeded');
    expect(result.outputs.publish).toEqual({ plan: 'P', slow: 'S', review: 'P' });
    // seq continues gap-free across the restart.
    expect(h.signals.map((s) => s.seq)).toEqual(h.signals.map((_, i) => i + 1));
    expect(fresh[0]?.seq).toBe(history.length + 1);
    // plan had succeeded: it never starts again.
    expect(fresh.filter((s) => s.type === 'node.started' && s.nodeId === 'plan')).toEqual([]);
    // slow was running: its attempt is closed as interrupted, then queued again as attempt 2.
    const slow = fresh
      .filter((s) => 'nodeId' in s && s.nodeId === 'slow')
      .map((s) => [s.type, 'attempt' in s ? s.attempt : 0]);
    expect(slow).toEqual([
      ['node.failed', 1],
      ['node.queued', 2],
      ['node.started', 2],
      ['usage', 2],
      ['node.succeeded', 2],
    ]);
    // The approval was not asked again.
    expect(fresh.filter((s) => s.type === 'node.awaiting_approval')).toEqual([]);
    expect(h.decide(approval.approvalId, { decision: 'approved' })).toEqual({ ok: true, duplicate: true });
    expect(h.decide(approval.approvalId, { decision: 'rejected' })).toMatchObject({
      ok: false,
      code: 'conflict',
    });
  });

  it('resumes an escalation chain at its child and hands the child output to dependents', async () => {
    const chain = dagOf({
      id: 'chain',
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'a',
          gate: { target: 0.9, maxTries: 1 },
          sim: {
            confidence: 0.2,
            answer: 'weak',
            tiers: { '1': { confidence: 0.99, answer: 'strong', latencyMs: 5000 } },
          },
        },
        { id: 'b', kind: 'transform', mapping: '{{a}}' },
      ],
      edges: [{ source: 'a', target: 'b' }],
    });
    const history = await runUntil(chain, (s) =>
      s.some((x) => x.type === 'node.started' && x.nodeId === 'a@t1'),
    );
    const clock = createVirtualClock();
    const h = startRun(chain, { clock, runId: 'r1', history });
    const result = await h.result;
    clock.stop();
    expect(result.outputs.b).toBe('strong');
    const fresh = h.signals.slice(history.length);
    expect(fresh.filter((s) => s.type === 'node.started').map((s) => 'nodeId' in s && s.nodeId)).toEqual([
      'a@t1',
      'b',
    ]);
    expect(fresh.some((s) => s.type === 'node.queued' && s.nodeId === 'a@t1' && s.attempt === 2)).toBe(true);
    expect(fresh.find((s) => s.type === 'node.failed' && s.nodeId === 'a@t1')).toMatchObject({
      attempt: 1,
      willRetry: true,
      error: { code: 'interrupted' },
    });
  });

  it('finishes a run whose history already ended without emitting anything', async () => {
    const clock = createVirtualClock();
    const first = startRun(dag, { clock, runId: 'r1' });
    first.subscribe((s) => {
      if (s.type === 'node.awaiting_approval')
        queueMicrotask(() => first.decide(s.approvalId, { decision: 'approved' }));
    });
    await first.result;
    const h = startRun(dag, { clock, runId: 'r1', history: first.signals });
    const result = await h.result;
    clock.stop();
    expect(result.status).toBe('succeeded');
    expect(h.signals.length).toBe(first.signals.length);
  });

  it('honours a committed decision: an approval node decided just before the crash is not asked again', async () => {
    const first = startRun(dag, { clock: createVirtualClock(), runId: 'r1' });
    first.subscribe((s) => {
      if (s.type === 'node.awaiting_approval')
        queueMicrotask(() =>
          first.decide(s.approvalId, { decision: 'approved', by: 'ann', output: 'edited' }),
        );
    });
    await first.result;
    const history = through(first.signals, (s) => s.type === 'approval.decided');
    const { result, fresh } = await resume(dag, history);
    expect(fresh.filter((s) => s.type === 'node.awaiting_approval')).toEqual([]);
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual(await first.result.then((r) => r.outputs));
    expect(result.outputs.review).toBe('edited');
  });

  it('honours a committed rejection before the work and approval before the work alike', async () => {
    const before = dagOf({
      id: 'before',
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'a',
          approval: { when: 'before', prompt: 'go?' },
          sim: { answer: 'A' },
        },
        { id: 'b', kind: 'transform', mapping: '{{a}}' },
      ],
      edges: [{ source: 'a', target: 'b' }],
    });
    for (const decision of ['approved', 'rejected'] as const) {
      const first = startRun(before, { clock: createVirtualClock(), runId: 'r1' });
      first.subscribe((s) => {
        if (s.type === 'node.awaiting_approval')
          queueMicrotask(() => first.decide(s.approvalId, { decision }));
      });
      const expected = await first.result;
      const { result, fresh } = await resume(
        before,
        through(first.signals, (s) => s.type === 'approval.decided'),
      );
      expect(fresh.filter((s) => s.type === 'node.awaiting_approval')).toEqual([]);
      expect(result.status).toBe(expected.status);
      expect(result.outputs).toEqual(expected.outputs);
    }
  });

  it('honours a committed decision on the human rung: the run ends with the human output', async () => {
    const human = dagOf({
      id: 'human',
      ladder: ladderOf(1, true),
      nodes: [
        { id: 'a', kind: 'llm', prompt: 'a', sim: { escalate: { reason: 'stuck', humanRequired: true } } },
        { id: 'b', kind: 'transform', mapping: '{{a}}' },
      ],
      edges: [{ source: 'a', target: 'b' }],
    });
    const first = startRun(human, { clock: createVirtualClock(), runId: 'r1' });
    first.subscribe((s) => {
      if (s.type === 'node.awaiting_approval')
        queueMicrotask(() => first.decide(s.approvalId, { decision: 'approved', output: 'by hand' }));
    });
    expect((await first.result).outputs).toEqual({ a: 'by hand', b: 'by hand' });
    const { result, fresh } = await resume(
      human,
      through(first.signals, (s) => s.type === 'approval.decided'),
    );
    expect(fresh.filter((s) => s.type === 'node.awaiting_approval')).toEqual([]);
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ a: 'by hand', b: 'by hand' });
  });

  it('a retry budget counts tries, not interrupted attempts', async () => {
    const flaky = dagOf({
      id: 'flaky',
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'a',
          retries: { max: 1, backoffMs: 10 },
          sim: { answer: 'A', latencyMs: 100, failTimes: 1 },
        },
      ],
      edges: [],
    });
    const history = await runUntil(flaky, (s) => s.some((x) => x.type === 'node.started'));
    const { result, fresh } = await resume(flaky, history);
    expect(result.status).toBe('succeeded');
    // The interrupted attempt, then the try that fails as it did in the first run, then the retry.
    expect(
      fresh.filter((s) => s.type === 'node.failed').map((s) => s.type === 'node.failed' && s.error.code),
    ).toEqual(['interrupted', 'sim_failure']);
  });
});

describe('approvals closed before a restart', () => {
  it('a decision on an approval the cancel closed is late after a resume too', async () => {
    const clock = createVirtualClock();
    const first = startRun(dag, { clock, runId: 'r1' });
    const waiting = await new Promise<SignalOf<'node.awaiting_approval'>>((resolve) =>
      first.subscribe((s) => s.type === 'node.awaiting_approval' && resolve(s)),
    );
    first.cancel('stop');
    await first.result;
    clock.stop();
    const again = startRun(dag, { clock: createVirtualClock(), runId: 'r1', history: first.signals });
    await again.result;
    expect(again.decide(waiting.approvalId, { decision: 'approved' })).toMatchObject({
      ok: false,
      code: 'late',
    });
  });
});
