import { describe, expect, it } from 'vitest';
import { createVirtualClock, projectRun, type Signal } from '../src/index.ts';
import { buildDag, ladderOf, only, pick, start, trace, typesOf } from './run-helpers.ts';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(T0 + ms).toISOString();

const withApproval = (
  approval: Record<string, unknown>,
  sim: Record<string, unknown> = { answer: 'draft' },
) =>
  buildDag({
    inputs: { topic: 'tides' },
    nodes: [
      { id: 'a', kind: 'llm', prompt: 'write about {{inputs.topic}}', approval, sim },
      { id: 'b', kind: 'transform', mapping: { got: '{{a}}' } },
    ],
    edges: [{ source: 'a', target: 'b' }],
  });

describe('approval before the work', () => {
  it('awaiting_approval, approval.decided, then node.started', async () => {
    const run = start(withApproval({ when: 'before', prompt: 'Research {{inputs.topic}}?' }), {
      ladder: ladderOf(1, false),
    });
    const waiting = await run.next('node.awaiting_approval');
    expect(waiting).toMatchObject({ nodeId: 'a', attempt: 1, prompt: 'Research tides?' });
    expect(waiting).not.toHaveProperty('payload');
    expect(waiting).not.toHaveProperty('expiresAt');
    expect(pick(run.signals, 'node.started')).toEqual([]);
    expect(run.handle.view.nodes.get('a')?.lane).toBe('awaiting_approval');
    expect(run.handle.decide(waiting.approvalId, { decision: 'approved', by: 'ann', comment: 'go' })).toEqual(
      {
        ok: true,
        duplicate: false,
      },
    );
    const result = await run.done();
    expect(typesOf(run.signals, 'a')).toEqual([
      'node.queued',
      'node.awaiting_approval',
      'approval.decided',
      'node.started',
      'node.succeeded',
    ]);
    expect(only(run.signals, 'approval.decided', 'a')).toMatchObject({
      approvalId: waiting.approvalId,
      decision: 'approved',
      by: 'ann',
      comment: 'go',
    });
    expect(result.outputs).toEqual({ a: 'draft', b: { got: 'draft' } });
  });

  it('rejected: the node fails (rejected) without starting; dependents are skipped rejected_upstream', async () => {
    const run = start(withApproval({ when: 'before' }), { ladder: ladderOf(1, false) });
    const waiting = await run.next('node.awaiting_approval');
    expect(waiting.prompt).toBe('Approve this step?');
    run.handle.decide(waiting.approvalId, { decision: 'rejected' });
    const result = await run.done();
    expect(trace(run.signals)).toEqual([
      'run.started',
      'node.queued a',
      'node.queued b',
      'node.awaiting_approval a',
      'approval.decided a',
      'node.failed a',
      'node.skipped b',
      'run.failed',
    ]);
    expect(only(run.signals, 'node.failed', 'a')).toMatchObject({
      error: { code: 'rejected', message: 'rejected' },
      willRetry: false,
    });
    expect(only(run.signals, 'node.skipped', 'b').reason).toBe('rejected_upstream');
    expect(result.status).toBe('failed');
  });

  it('a node awaiting approval holds no concurrency slot', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'a', kind: 'llm', prompt: 'x', approval: { when: 'before' } },
        { id: 'b', kind: 'llm', prompt: 'y', sim: { answer: 'b', latencyMs: 1000 } },
      ],
    });
    const run = start(dag, { ladder: ladderOf(1, false), maxConcurrency: 1 });
    await run.next('node.succeeded', (s) => s.nodeId === 'b');
    const waiting = only(run.signals, 'node.awaiting_approval', 'a');
    run.handle.decide(waiting.approvalId, { decision: 'approved' });
    const result = await run.done();
    expect(result.status).toBe('succeeded');
  });

  it('a retry after an approved start is not asked again', async () => {
    const dag = buildDag({
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'x',
          approval: { when: 'before' },
          retries: { max: 1, backoffMs: 10 },
          sim: { answer: 'ok', failTimes: 1 },
        },
      ],
    });
    const run = start(dag, {
      ladder: ladderOf(1, false),
      onSignal: (s, h) => {
        if (s.type === 'node.awaiting_approval') h.decide(s.approvalId, { decision: 'approved' });
      },
    });
    await run.done();
    expect(typesOf(run.signals, 'a')).toEqual([
      'node.queued',
      'node.awaiting_approval',
      'approval.decided',
      'node.started',
      'node.failed',
      'node.queued',
      'node.started',
      'node.succeeded',
    ]);
  });
});

describe('approval after the work', () => {
  it('started, awaiting (output as payload), decided, succeeded with the edited output', async () => {
    const run = start(withApproval({ when: 'after', prompt: 'Publish about {{inputs.topic}}?' }), {
      ladder: ladderOf(1, false),
    });
    const waiting = await run.next('node.awaiting_approval');
    expect(waiting).toMatchObject({ nodeId: 'a', prompt: 'Publish about tides?', payload: 'draft' });
    expect(pick(run.signals, 'node.started', 'b')).toEqual([]);
    run.handle.decide(waiting.approvalId, { decision: 'approved', output: 'edited draft', by: 'ed' });
    const result = await run.done();
    expect(typesOf(run.signals, 'a')).toEqual([
      'node.queued',
      'node.started',
      'node.awaiting_approval',
      'approval.decided',
      'node.succeeded',
    ]);
    expect(only(run.signals, 'approval.decided', 'a')).toMatchObject({ output: 'edited draft', by: 'ed' });
    expect(only(run.signals, 'node.succeeded', 'a').output).toBe('edited draft');
    expect(only(run.signals, 'node.succeeded', 'b').output).toEqual({ got: 'edited draft' });
    expect(result.view.nodes.get('a')?.pendingApproval).toBeUndefined();
  });

  it('approved without an edit keeps the output; an edit on a rejection is not recorded', async () => {
    const run = start(withApproval({ when: 'after' }), { ladder: ladderOf(1, false) });
    const waiting = await run.next('node.awaiting_approval');
    run.handle.decide(waiting.approvalId, { decision: 'approved' });
    const result = await run.done();
    expect(result.outputs.a).toBe('draft');
    expect(only(run.signals, 'approval.decided', 'a')).not.toHaveProperty('output');

    const run2 = start(withApproval({ when: 'after' }), { ladder: ladderOf(1, false) });
    const w2 = await run2.next('node.awaiting_approval');
    run2.handle.decide(w2.approvalId, { decision: 'rejected', output: 'ignored', comment: 'no' });
    await run2.done();
    expect(only(run2.signals, 'approval.decided', 'a')).not.toHaveProperty('output');
    expect(only(run2.signals, 'node.failed', 'a').error).toEqual({
      code: 'rejected',
      message: 'rejected: no',
    });
  });

  it('a decision taken by a subscriber as the request arrives works', async () => {
    const run = start(withApproval({ when: 'after' }), {
      ladder: ladderOf(1, false),
      onSignal: (s, h) => {
        if (s.type === 'node.awaiting_approval')
          h.decide(s.approvalId, { decision: 'approved', output: 'quick' });
      },
    });
    const result = await run.done();
    expect(result.outputs.b).toEqual({ got: 'quick' });
  });
});

describe('approval nodes', () => {
  it('show a payload from upstream outputs; approving makes it (or an edit) the output', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'draft', kind: 'transform', mapping: { text: 'v1' } },
        {
          id: 'review',
          kind: 'approval',
          prompt: 'Ship {{draft.text}}?',
          payload: { doc: '{{draft}}' },
        },
        { id: 'ship', kind: 'transform', mapping: '{{review}}' },
      ],
      edges: [
        { source: 'draft', target: 'review' },
        { source: 'review', target: 'ship' },
      ],
    });
    const run = start(dag, { ladder: ladderOf(1, false) });
    const waiting = await run.next('node.awaiting_approval');
    expect(waiting).toMatchObject({ nodeId: 'review', prompt: 'Ship v1?', payload: { doc: { text: 'v1' } } });
    run.handle.decide(waiting.approvalId, { decision: 'approved' });
    const result = await run.done();
    // An approval node never starts.
    expect(typesOf(run.signals, 'review')).toEqual([
      'node.queued',
      'node.awaiting_approval',
      'approval.decided',
      'node.succeeded',
    ]);
    expect(result.outputs.ship).toEqual({ doc: { text: 'v1' } });

    const run2 = start(dag, { ladder: ladderOf(1, false) });
    const w2 = await run2.next('node.awaiting_approval');
    run2.handle.decide(w2.approvalId, { decision: 'approved', output: 'v2' });
    expect((await run2.done()).outputs.ship).toBe('v2');
  });
});

describe('approval timeouts', () => {
  const timed = (onTimeout: string, when = 'after') =>
    withApproval({ when, timeoutMs: 60_000, onTimeout }, { answer: 'draft', latencyMs: 500 });

  it('onTimeout reject: approval.decided by timeout, then node.failed (rejected)', async () => {
    const run = start(timed('reject'), { ladder: ladderOf(1, false) });
    const result = await run.done();
    const waiting = only(run.signals, 'node.awaiting_approval', 'a');
    expect(waiting.expiresAt).toBe(iso(60_500));
    const decided = only(run.signals, 'approval.decided', 'a');
    expect(decided).toMatchObject({ decision: 'rejected', by: 'timeout', at: iso(60_500) });
    expect(typesOf(run.signals, 'a').slice(-3)).toEqual([
      'node.awaiting_approval',
      'approval.decided',
      'node.failed',
    ]);
    expect(only(run.signals, 'node.failed', 'a').error.code).toBe('rejected');
    expect(only(run.signals, 'node.skipped', 'b').reason).toBe('rejected_upstream');
    expect(result.status).toBe('failed');
    // Any decision after the timeout is late, even the same one.
    expect(run.handle.decide(waiting.approvalId, { decision: 'approved' })).toMatchObject({
      ok: false,
      code: 'late',
    });
    expect(run.handle.decide(waiting.approvalId, { decision: 'rejected' })).toMatchObject({
      ok: false,
      code: 'late',
    });
  });

  it('onTimeout approve: approval.decided by timeout, then node.succeeded with the output', async () => {
    const run = start(timed('approve'), { ladder: ladderOf(1, false) });
    const result = await run.done();
    expect(only(run.signals, 'approval.decided', 'a')).toMatchObject({ decision: 'approved', by: 'timeout' });
    expect(only(run.signals, 'node.succeeded', 'a')).toMatchObject({ output: 'draft', at: iso(60_500) });
    expect(result.status).toBe('succeeded');
  });

  it('onTimeout approve before the work: the node then starts', async () => {
    const run = start(timed('approve', 'before'), { ladder: ladderOf(1, false) });
    await run.done();
    expect(typesOf(run.signals, 'a')).toEqual([
      'node.queued',
      'node.awaiting_approval',
      'approval.decided',
      'node.started',
      'node.succeeded',
    ]);
    expect(only(run.signals, 'node.started', 'a').at).toBe(iso(60_000));
  });

  it('onTimeout escalate: routes to the human rung once, never up the model tiers', async () => {
    const run = start(timed('escalate'), {
      ladder: ladderOf(2, true),
      onSignal: (s, h) => {
        if (s.type === 'node.awaiting_approval' && s.nodeId === 'a@t2')
          h.decide(s.approvalId, { decision: 'approved', output: 'checked' });
      },
    });
    const result = await run.done();
    expect(typesOf(run.signals, 'a')).toEqual([
      'node.queued',
      'node.started',
      'node.awaiting_approval',
      'escalation.requested',
      'node.escalated',
    ]);
    const req = only(run.signals, 'escalation.requested', 'a');
    expect(req.request).toMatchObject({
      trigger: 'manual',
      urgency: 'blocked',
      fromTier: 0,
      reason: 'approval timed out',
    });
    expect(req.at).toBe(iso(60_500));
    expect(only(run.signals, 'node.escalated', 'a')).toMatchObject({
      route: 'human',
      toTier: 2,
      childId: 'a@t2',
    });
    // No model tier ran again: the human rung reviews the draft the timed-out approval held.
    expect(pick(run.signals, 'node.queued').map((s) => s.nodeId)).toEqual(['a', 'b', 'a@t2']);
    expect(only(run.signals, 'node.awaiting_approval', 'a@t2').payload).toMatchObject({ output: 'draft' });
    expect(typesOf(run.signals, 'a@t2')).toEqual([
      'node.queued',
      'node.awaiting_approval',
      'approval.decided',
      'node.succeeded',
    ]);
    expect(result.outputs).toEqual({ a: 'checked', b: { got: 'checked' } });
    const waiting = only(run.signals, 'node.awaiting_approval', 'a');
    expect(run.handle.decide(waiting.approvalId, { decision: 'approved' })).toMatchObject({
      ok: false,
      code: 'late',
    });
    // The timed-out approval is no longer pending anywhere (no approval.decided closes it).
    expect(pick(run.signals, 'approval.decided', 'a')).toEqual([]);
    expect(result.view.nodes.get('a')?.pendingApproval).toBeUndefined();
    expect([...result.view.nodes.values()].filter((n) => n.pendingApproval)).toEqual([]);
  });

  it('onTimeout escalate without a human rung gives up, even with model tiers left', async () => {
    const run = start(timed('escalate'), { ladder: ladderOf(3, false) });
    const result = await run.done();
    expect(only(run.signals, 'node.escalated', 'a')).toMatchObject({ route: 'give_up' });
    expect(only(run.signals, 'node.escalated', 'a')).not.toHaveProperty('childId');
    expect(only(run.signals, 'node.skipped', 'b').reason).toBe('upstream_gave_up');
    expect(pick(run.signals, 'node.started').map((s) => s.nodeId)).toEqual(['a']);
    expect(result.status).toBe('failed');
  });

  it('onTimeout escalate on an approval node before the work also goes to the human rung', async () => {
    const run = start(timed('escalate', 'before'), {
      ladder: ladderOf(2, true),
      onSignal: (s, h) => {
        if (s.type === 'node.awaiting_approval' && s.nodeId === 'a@t2')
          h.decide(s.approvalId, { decision: 'rejected' });
      },
    });
    const result = await run.done();
    expect(only(run.signals, 'node.escalated', 'a')).toMatchObject({ route: 'human', childId: 'a@t2' });
    expect(pick(run.signals, 'node.started')).toEqual([]);
    expect(only(run.signals, 'node.failed', 'a@t2').error.code).toBe('rejected');
    expect(result.status).toBe('failed');
  });

  it('a decision before the timeout cancels the timer', async () => {
    const run = start(timed('reject'), {
      ladder: ladderOf(1, false),
      onSignal: (s, h) => {
        if (s.type === 'node.awaiting_approval') h.decide(s.approvalId, { decision: 'approved' });
      },
    });
    const result = await run.done();
    expect(only(run.signals, 'approval.decided', 'a').by).toBe('anonymous');
    expect(result.status).toBe('succeeded');
    expect(run.clock.pending()).toBe(0);
    expect(only(run.signals, 'run.succeeded').at).toBe(iso(500));
  });
});

describe('decide()', () => {
  const waitFor = async () => {
    const run = start(withApproval({ when: 'after' }), { ladder: ladderOf(1, false) });
    const waiting = await run.next('node.awaiting_approval');
    return { run, id: waiting.approvalId };
  };

  it('the same decision twice is idempotent and emits once', async () => {
    const { run, id } = await waitFor();
    expect(run.handle.decide(id, { decision: 'approved' })).toEqual({ ok: true, duplicate: false });
    expect(run.handle.decide(id, { decision: 'approved' })).toEqual({ ok: true, duplicate: true });
    await run.done();
    expect(run.handle.decide(id, { decision: 'approved', by: 'other' })).toEqual({
      ok: true,
      duplicate: true,
    });
    expect(pick(run.signals, 'approval.decided')).toHaveLength(1);
    expect(pick(run.signals, 'node.succeeded', 'a')).toHaveLength(1);
  });

  it('a conflicting decision is refused', async () => {
    const { run, id } = await waitFor();
    run.handle.decide(id, { decision: 'rejected' });
    expect(run.handle.decide(id, { decision: 'approved' })).toMatchObject({ ok: false, code: 'conflict' });
    const result = await run.done();
    expect(result.status).toBe('failed');
    expect(pick(run.signals, 'approval.decided').map((s) => s.decision)).toEqual(['rejected']);
  });

  it('an unknown approval is refused', async () => {
    const { run, id } = await waitFor();
    expect(run.handle.decide(`${id}x`, { decision: 'approved' })).toMatchObject({
      ok: false,
      code: 'unknown_approval',
    });
    expect(run.handle.decide('nope', { decision: 'rejected' })).toMatchObject({
      ok: false,
      code: 'unknown_approval',
    });
    run.handle.decide(id, { decision: 'approved' });
    await run.done();
    const decided: Signal[] = pick(run.signals, 'approval.decided');
    expect(decided).toHaveLength(1);
  });

  it('approval ids are unique per node and attempt', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'a', kind: 'llm', prompt: 'x', approval: { when: 'after' } },
        { id: 'b', kind: 'llm', prompt: 'y', approval: { when: 'before' } },
      ],
    });
    const run = start(dag, {
      ladder: ladderOf(1, false),
      onSignal: (s, h) => {
        if (s.type === 'node.awaiting_approval') h.decide(s.approvalId, { decision: 'approved' });
      },
    });
    await run.done();
    const ids = pick(run.signals, 'node.awaiting_approval').map((s) => s.approvalId);
    expect(new Set(ids).size).toBe(2);
  });
});

describe('how long a node waited for people', () => {
  it('sums each ended wait into waitedMs, live and when projected again; an approval node works 0 ms', async () => {
    const clock = createVirtualClock(T0, { auto: false });
    const dag = buildDag({ nodes: [{ id: 'ok', kind: 'approval', prompt: 'Ship it?' }], edges: [] });
    const run = start(dag, { clock });
    const asked = await run.next('node.awaiting_approval');
    expect(run.handle.view.nodes.get('ok')?.waitedMs).toBeUndefined();
    clock.advance(5000);
    run.handle.decide(asked.approvalId, { decision: 'approved', by: 'ann' });
    await run.done();
    const live = run.handle.view.nodes.get('ok');
    expect(live).toMatchObject({ lane: 'succeeded', waitedMs: 5000, elapsedMs: 0 });
    expect(projectRun(run.signals).nodes.get('ok')?.waitedMs).toBe(5000);
  });
});
