import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apply,
  applyKnown,
  createRunView,
  defaultLadder,
  type Lane,
  laneFor,
  lanes,
  type NodeView,
  parseSignalOrThrow,
  projectRun,
  type RunView,
  type Signal,
  type UsageTotals,
} from '../src/index.ts';
import { runStreamArb, signalArbs, signalsOfNode } from './arbitraries.ts';
import { atOf, deepClone, request, runLog } from './builders.ts';

const recount = (view: RunView): Record<Lane, number> => {
  const counts = Object.fromEntries(lanes.map((l) => [l, 0])) as Record<Lane, number>;
  for (const n of view.nodes.values()) counts[n.lane]++;
  return counts;
};

const expectCountsConsistent = (view: RunView): void => {
  const total = Object.values(view.counts).reduce((a, b) => a + b, 0);
  expect(total).toBe(view.nodes.size);
  expect(view.counts).toStrictEqual(recount(view));
};

const node = (view: RunView, id: string) => {
  const n = view.nodes.get(id);
  if (n === undefined) throw new Error(`no node ${id} in view`);
  return n;
};

/** A small run: a started, then a node `a` queued and started. */
const started = () => {
  const log = runLog();
  const signals: Signal[] = [
    log.run('run.started', { ladder: defaultLadder, dagId: 'dag-1' }),
    log.node('node.queued', 'a', { tier: 0, label: 'A' }),
    log.node('node.started', 'a', { tier: 0, model: 'sim-small' }),
  ];
  return { log, signals };
};

describe('createRunView', () => {
  it('is empty and pending', () => {
    const view = createRunView();
    expect(view.status).toBe('pending');
    expect(view.lastSeq).toBe(0);
    expect(view.gap).toBeNull();
    expect(view.nodes.size).toBe(0);
    expect(Object.values(view.counts)).toEqual(lanes.map(() => 0));
    expect(Object.keys(view.counts)).toEqual([...lanes]);
    expect(view.usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0, calls: 0 });
    expect(projectRun([])).toStrictEqual(view);
  });

  it('returns a fresh view each time', () => {
    const a = createRunView();
    const b = createRunView();
    apply(a, runLog().run('run.started', { ladder: defaultLadder }));
    expect(b.status).toBe('pending');
    expect(b.counts).not.toBe(a.counts);
  });
});

describe('apply: delivery', () => {
  it('applies seq 1, 2, 3 in order and reports it', () => {
    const { signals } = started();
    const view = createRunView();
    expect(signals.map((s) => apply(view, s))).toEqual([true, true, true]);
    expect(view.lastSeq).toBe(3);
    expect(view.rev).toBe(3);
    expect(view.runId).toBe('run-1');
  });

  it('is idempotent on a duplicate seq', () => {
    const { signals, log } = started();
    const view = projectRun(signals);
    const before = deepClone(view);
    for (const s of signals) expect(apply(view, s)).toBe(false);
    // Same seq with different content is still a duplicate.
    const impostor = { ...log.node('node.succeeded', 'a', { output: 1, elapsedMs: 1 }), seq: 3 };
    expect(apply(view, impostor)).toBe(false);
    expect(view).toStrictEqual(before);
  });

  it('a jump in seq sets gap {expected, got} and applies nothing; the expected seq clears it', () => {
    const { signals, log } = started();
    const s4 = log.node('node.succeeded', 'a', { output: 'ok', elapsedMs: 5 });
    const s5 = log.run('run.succeeded', {});
    const view = projectRun(signals.slice(0, 1));
    const before = deepClone(view);

    expect(apply(view, s4)).toBe(false);
    expect(view.gap).toEqual({ expected: 2, got: 4 });
    expect({ ...view, gap: null }).toStrictEqual(before);

    expect(apply(view, s5)).toBe(false);
    expect(view.gap).toEqual({ expected: 2, got: 5 });
    expect(view.lastSeq).toBe(1);
    expect(view.nodes.size).toBe(0);

    // A duplicate neither applies nor touches the gap.
    expect(apply(view, signals[0] as Signal)).toBe(false);
    expect(view.gap).toEqual({ expected: 2, got: 5 });

    expect(apply(view, signals[1] as Signal)).toBe(true);
    expect(view.gap).toBeNull();
    expect(view.lastSeq).toBe(2);
    for (const s of [signals[2] as Signal, s4, s5]) expect(apply(view, s)).toBe(true);
    expect(view).toStrictEqual(projectRun([...signals, s4, s5]));
  });

  it('refuses signals of another run', () => {
    const { signals } = started();
    const view = projectRun(signals);
    const before = deepClone(view);
    const other = runLog('run-2');
    other.run('run.started', { ladder: defaultLadder });
    other.node('node.queued', 'a', { tier: 0 });
    other.node('node.queued', 'a', { tier: 0 });
    const foreign = [
      { ...other.node('node.succeeded', 'a', { output: 'x', elapsedMs: 1 }), seq: 4 },
      { ...other.run('run.failed', {}), seq: 4 },
      other.node('node.queued', 'z', { tier: 0 }),
    ];
    for (const s of foreign) expect(apply(view, s)).toBe(false);
    expect(view).toStrictEqual(before);
  });

  it('takes its runId from the first signal', () => {
    const view = createRunView();
    expect(apply(view, runLog('run-9').run('run.started', { ladder: defaultLadder }))).toBe(true);
    expect(view.runId).toBe('run-9');
    expect(apply(view, { ...runLog('run-1').node('node.queued', 'a', { tier: 0 }), seq: 2 })).toBe(false);
  });
});

describe('apply: nodes and lanes', () => {
  it('tracks each node: tier, model, label, timings, output', () => {
    const { signals, log } = started();
    const done = log.node('node.succeeded', 'a', { output: { text: 'hi' }, elapsedMs: 42 });
    const view = projectRun([...signals, done]);
    const a = node(view, 'a');
    expect(a).toMatchObject({
      id: 'a',
      label: 'A',
      lane: 'succeeded',
      attempt: 1,
      tier: 0,
      model: 'sim-small',
      queuedAt: atOf(2),
      startedAt: atOf(3),
      endedAt: atOf(4),
      elapsedMs: 42,
      output: { text: 'hi' },
      children: [],
    });
    expect(a.rev).toBe(3);
  });

  it('lane counts follow every transition and always sum to the number of nodes', () => {
    const log = runLog();
    const signals: Signal[] = [
      log.run('run.started', { ladder: defaultLadder }),
      log.node('node.queued', 'a', { tier: 0 }),
      log.node('node.queued', 'b', { tier: 0 }),
      log.node('node.queued', 'c', { tier: 0 }),
      log.node('node.started', 'a', { tier: 0 }),
      log.node('node.started', 'b', { tier: 0 }),
      log.node('node.awaiting_approval', 'b', { approvalId: 'ap', prompt: '?' }),
      log.node('node.failed', 'a', { error: { message: 'x', code: 'E' }, elapsedMs: 1, willRetry: true }),
      log.node('node.queued', 'a', { tier: 0 }, 2),
      log.node('node.started', 'a', { tier: 0 }, 2),
      log.node('node.succeeded', 'a', { output: 1, elapsedMs: 1 }, 2),
      log.node('node.skipped', 'c', { reason: 'upstream_failed' }),
      log.node('node.cancelled', 'b', {}),
      log.node('node.cancelled', 'b', {}),
    ];
    const view = createRunView();
    const expected: Partial<Record<Lane, number>>[] = [
      {},
      { queued: 1 },
      { queued: 2 },
      { queued: 3 },
      { queued: 2, running: 1 },
      { queued: 1, running: 2 },
      { queued: 1, running: 1, awaiting_approval: 1 },
      { queued: 1, failed: 1, awaiting_approval: 1 },
      { queued: 2, awaiting_approval: 1 },
      { queued: 1, running: 1, awaiting_approval: 1 },
      { queued: 1, succeeded: 1, awaiting_approval: 1 },
      { skipped: 1, succeeded: 1, awaiting_approval: 1 },
      { skipped: 1, succeeded: 1, cancelled: 1 },
      { skipped: 1, succeeded: 1, cancelled: 1 },
    ];
    signals.forEach((s, i) => {
      apply(view, s);
      const want = Object.fromEntries(lanes.map((l) => [l, expected[i]?.[l] ?? 0]));
      expect(view.counts, `after seq ${s.seq}`).toEqual(want);
      expectCountsConsistent(view);
    });
  });

  it('a new attempt starts clean: the previous error, end and elapsed time are cleared', () => {
    const { signals, log } = started();
    const view = projectRun(signals);
    apply(
      view,
      log.node('node.failed', 'a', { error: { message: 'x', code: 'E' }, elapsedMs: 7, willRetry: true }),
    );
    expect(node(view, 'a')).toMatchObject({
      lane: 'failed',
      error: { message: 'x', code: 'E' },
      elapsedMs: 7,
    });
    apply(view, log.node('node.queued', 'a', { tier: 1 }, 2));
    const a = node(view, 'a');
    expect(a).toMatchObject({ lane: 'queued', attempt: 2, tier: 1 });
    expect(a.error).toBeUndefined();
    expect(a.endedAt).toBeUndefined();
    expect(a.elapsedMs).toBeUndefined();
  });

  it('stale signals leave the node alone', () => {
    const log = runLog();
    const signals: Signal[] = [
      log.node('node.queued', 'a', { tier: 0 }, 2),
      log.node('node.succeeded', 'a', { output: 'late', elapsedMs: 1 }, 1),
      log.node('usage', 'a', { tier: 0, model: 'm', inputTokens: 5, outputTokens: 5, costUsd: 0.5 }, 1),
    ];
    const view = projectRun(signals);
    const a = node(view, 'a');
    expect(a).toMatchObject({ lane: 'queued', attempt: 2, rev: 1 });
    expect(a.output).toBeUndefined();
    expect(a.usage.calls).toBe(0);
    expect(view.lastSeq).toBe(3);
  });

  it('records escalation, rating, skip and cancel details', () => {
    const log = runLog();
    const req = request({ confidence: 0.4 });
    const view = projectRun([
      log.node('confidence.rated', 'a', {
        ratings: { correctness: 0.4 },
        overall: 0.4,
        target: 0.95,
        passed: false,
        round: 1,
      }),
      log.node('node.escalated', 'a', {
        route: 'higher_tier',
        reason: 'low',
        fromTier: 0,
        toTier: 1,
        childId: 'a+1',
        request: req,
      }),
      log.node('node.skipped', 'b', { reason: 'condition_false' }),
      log.node('node.cancelled', 'c', { reason: 'user' }),
    ]);
    expect(node(view, 'a')).toMatchObject({
      lane: 'escalated',
      endedAt: atOf(2),
      lastRating: { ratings: { correctness: 0.4 }, overall: 0.4, target: 0.95, passed: false, round: 1 },
      escalation: { route: 'higher_tier', reason: 'low', toTier: 1, childId: 'a+1', request: req },
    });
    expect(node(view, 'b')).toMatchObject({
      lane: 'skipped',
      skipReason: 'condition_false',
      endedAt: atOf(3),
    });
    expect(node(view, 'c')).toMatchObject({ lane: 'cancelled', cancelReason: 'user', endedAt: atOf(4) });
  });

  it('escalation.requested: blocked escalates and ends the node, fyi changes nothing', () => {
    const { signals, log } = started();
    const view = projectRun(signals);
    apply(view, log.node('escalation.requested', 'a', { request: request({ urgency: 'fyi' }) }));
    expect(node(view, 'a').lane).toBe('running');
    expect(node(view, 'a').endedAt).toBeUndefined();
    apply(view, log.node('escalation.requested', 'a', { request: request({ urgency: 'blocked' }) }));
    expect(node(view, 'a')).toMatchObject({ lane: 'escalated', endedAt: atOf(5) });
    expect(view.counts.escalated).toBe(1);
    expect(view.counts.running).toBe(0);
  });
});

describe('apply: lineage', () => {
  it('links an escalation child to its parent, once', () => {
    const { signals, log } = started();
    const all: Signal[] = [
      ...signals,
      log.node('node.escalated', 'a', {
        route: 'higher_tier',
        reason: 'r',
        fromTier: 0,
        toTier: 1,
        childId: 'a#1',
        request: request(),
      }),
      log.node('node.queued', 'a#1', { tier: 1, parentId: 'a', spawnReason: 'escalation' }),
      log.node('node.queued', 'a~s', { tier: 0, parentId: 'a', spawnReason: 'spawn' }),
      log.node('node.failed', 'a#1', { error: { message: 'm', code: 'E' }, elapsedMs: 1, willRetry: true }),
      log.node('node.queued', 'a#1', { tier: 1, parentId: 'a', spawnReason: 'escalation' }, 2),
    ];
    const view = projectRun(all);
    expect(node(view, 'a').children).toEqual(['a#1', 'a~s']);
    expect(node(view, 'a#1')).toMatchObject({
      parentId: 'a',
      spawnReason: 'escalation',
      tier: 1,
      attempt: 2,
    });
    expect(node(view, 'a~s')).toMatchObject({ parentId: 'a', spawnReason: 'spawn' });
    expect([...view.nodes.keys()]).toEqual(['a', 'a#1', 'a~s']);
    expectCountsConsistent(view);
  });

  it('the first parent wins', () => {
    const log = runLog();
    const view = projectRun([
      log.node('node.queued', 'c', { tier: 0, parentId: 'p' }),
      log.node('node.queued', 'c', { tier: 0, parentId: 'q' }, 2),
    ]);
    expect(node(view, 'c').parentId).toBe('p');
    expect(node(view, 'p').children).toEqual(['c']);
    expect(view.nodes.has('q')).toBe(false);
  });

  it('a child seen before its parent creates the parent as queued and counts it', () => {
    const log = runLog();
    const view = projectRun([log.node('node.queued', 'child', { tier: 1, parentId: 'parent' })]);
    expect([...view.nodes.keys()]).toEqual(['child', 'parent']);
    expect(node(view, 'parent')).toMatchObject({ lane: 'queued', attempt: 0, children: ['child'] });
    expect(view.counts.queued).toBe(2);
    expectCountsConsistent(view);
  });
});

describe('apply: approvals', () => {
  it('sets the pending approval and clears it on decision', () => {
    const { signals, log } = started();
    const view = projectRun(signals);
    const ask = log.node('node.awaiting_approval', 'a', {
      approvalId: 'ap-1',
      prompt: 'Ship?',
      payload: { draft: 'x' },
      expiresAt: '2025-03-02T00:00:00.000Z',
    });
    apply(view, ask);
    expect(node(view, 'a').lane).toBe('awaiting_approval');
    expect(node(view, 'a').pendingApproval).toStrictEqual({
      approvalId: 'ap-1',
      prompt: 'Ship?',
      payload: { draft: 'x' },
      expiresAt: '2025-03-02T00:00:00.000Z',
      since: atOf(4),
    });
    const decided = log.node('approval.decided', 'a', {
      approvalId: 'ap-1',
      decision: 'approved',
      by: 'ana',
    });
    apply(view, decided);
    expect(node(view, 'a').pendingApproval).toBeUndefined();
    expect(node(view, 'a').decision).toStrictEqual(decided);
    expect(node(view, 'a').lane).toBe('awaiting_approval');
    apply(view, log.node('node.started', 'a', { tier: 0 }));
    expect(node(view, 'a').lane).toBe('running');
    expect(view.approvals).toStrictEqual([ask, decided]);
  });

  it('omits absent optional fields from the pending approval', () => {
    const log = runLog();
    const view = projectRun([log.node('node.awaiting_approval', 'a', { approvalId: 'ap', prompt: 'p' })]);
    expect(node(view, 'a').pendingApproval).toStrictEqual({ approvalId: 'ap', prompt: 'p', since: atOf(1) });
  });

  it('cancellation and a new attempt clear a pending approval', () => {
    const log = runLog();
    const ask = (n: number) =>
      log.node('node.awaiting_approval', 'a', { approvalId: `ap${n}`, prompt: 'p' }, n);
    const view = projectRun([ask(1)]);
    apply(view, log.node('node.queued', 'a', { tier: 0 }, 2));
    expect(node(view, 'a').pendingApproval).toBeUndefined();
    apply(view, ask(2));
    expect(node(view, 'a').pendingApproval?.approvalId).toBe('ap2');
    apply(view, log.node('node.cancelled', 'a', {}, 2));
    expect(node(view, 'a').pendingApproval).toBeUndefined();
    expect(node(view, 'a').lane).toBe('cancelled');
  });
});

describe('apply: usage', () => {
  it('sums usage per node, per tier and in total', () => {
    const log = runLog();
    const use = (id: string, tier: number, i: number, o: number, c: number, attempt = 1) =>
      log.node(
        'usage',
        id,
        { tier, model: `m${tier}`, inputTokens: i, outputTokens: o, costUsd: c },
        attempt,
      );
    const view = projectRun([
      use('a', 0, 100, 10, 0.25),
      use('b', 0, 200, 20, 0.5),
      use('a', 1, 1000, 100, 2),
      use('b', 0, 1, 2, 0.125),
    ]);
    const t = (inputTokens: number, outputTokens: number, costUsd: number, calls: number): UsageTotals => ({
      inputTokens,
      outputTokens,
      costUsd,
      calls,
    });
    expect(view.usageByTier).toStrictEqual(
      new Map([
        [0, t(301, 32, 0.875, 3)],
        [1, t(1000, 100, 2, 1)],
      ]),
    );
    expect(view.usage).toStrictEqual(t(1301, 132, 2.875, 4));
    expect(node(view, 'a').usage).toStrictEqual(t(1100, 110, 2.25, 2));
    expect(node(view, 'b').usage).toStrictEqual(t(201, 22, 0.625, 2));
  });

  it('run totals include a stale attempt’s usage (the call happened); the node’s do not', () => {
    const log = runLog();
    const view = projectRun([
      log.node('node.queued', 'a', { tier: 0 }, 2),
      log.node('usage', 'a', { tier: 0, model: 'm', inputTokens: 3, outputTokens: 4, costUsd: 0.5 }, 1),
    ]);
    expect(view.usage.calls).toBe(1);
    expect(view.usageByTier.get(0)?.costUsd).toBe(0.5);
    expect(node(view, 'a').usage.calls).toBe(0);
  });
});

describe('apply: run status and event lists', () => {
  it('moves pending -> running -> succeeded', () => {
    const log = runLog();
    const view = createRunView();
    apply(view, log.run('run.started', { ladder: defaultLadder, dagId: 'd' }));
    expect(view).toMatchObject({ status: 'running', startedAt: atOf(1), dagId: 'd', ladder: defaultLadder });
    apply(view, log.node('node.queued', 'a', { tier: 0 }));
    expect(view.status).toBe('running');
    apply(view, log.run('run.succeeded', {}));
    expect(view).toMatchObject({ status: 'succeeded', endedAt: atOf(3) });
    expect(view.error).toBeUndefined();
  });

  it('records failure and cancellation with error and reason', () => {
    const failed = runLog();
    const f = projectRun([
      failed.run('run.started', { ladder: defaultLadder }),
      failed.run('run.failed', { error: { message: 'gave up', code: 'E_GAVE_UP' }, reason: 'a' }),
    ]);
    expect(f).toMatchObject({ status: 'failed', endedAt: atOf(2), reason: 'a' });
    expect(f.error).toStrictEqual({ message: 'gave up', code: 'E_GAVE_UP' });
    const cancelled = runLog();
    const c = projectRun([
      cancelled.run('run.started', { ladder: defaultLadder }),
      cancelled.run('run.cancelled', { reason: 'user' }),
    ]);
    expect(c).toMatchObject({ status: 'cancelled', reason: 'user', endedAt: atOf(2) });
  });

  it('keeps escalation, confidence and approval events in seq order, stale ones included', () => {
    const log = runLog();
    const signals: Signal[] = [
      log.node('confidence.rated', 'a', {
        ratings: { risk: 0.1 },
        overall: 0.1,
        target: 0.9,
        passed: false,
        round: 1,
      }),
      log.node('confidence.rated', 'a', {
        ratings: { risk: 0.5 },
        overall: 0.5,
        target: 0.9,
        passed: false,
        round: 2,
      }),
      log.node('confidence.escalated', 'a', { overall: 0.5, target: 0.9, rounds: 2 }),
      log.node('escalation.requested', 'a', { request: request() }),
      log.node('node.escalated', 'a', {
        route: 'human',
        reason: 'r',
        fromTier: 2,
        childId: 'h',
        request: request(),
      }),
      log.node('node.queued', 'h', { tier: 3, parentId: 'a', spawnReason: 'escalation' }),
      log.node('node.awaiting_approval', 'h', { approvalId: 'ap', prompt: 'p' }),
      log.node('escalation.requested', 'b', { request: request({ urgency: 'fyi' }) }),
      log.node('confidence.passed', 'b', { overall: 1, target: 0.9, rounds: 1 }),
      log.node('approval.decided', 'h', { approvalId: 'ap', decision: 'rejected', by: 'bo', comment: 'no' }),
      log.node('node.queued', 'b', { tier: 0 }, 2),
      log.node('escalation.requested', 'b', { request: request({ urgency: 'fyi' }) }, 1),
    ];
    const view = projectRun(signals);
    const pick = (...types: string[]) => signals.filter((s) => types.includes(s.type));
    expect(view.confidence).toStrictEqual(
      pick('confidence.rated', 'confidence.passed', 'confidence.escalated'),
    );
    expect(view.escalations).toStrictEqual(pick('escalation.requested', 'node.escalated'));
    expect(view.approvals).toStrictEqual(pick('node.awaiting_approval', 'approval.decided'));
    expect(view.escalations.map((e) => e.seq)).toEqual([4, 5, 8, 12]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random valid streams

const streams = runStreamArb({ nodes: 5, maxLength: 40 });

/** Applies a stream one signal at a time, snapshotting the view after each. */
const incremental = (signals: readonly Signal[]) => {
  const view = createRunView();
  const snapshots: RunView[] = [];
  for (const s of signals) {
    expect(apply(view, s)).toBe(true);
    snapshots.push(deepClone(view));
  }
  return { view, snapshots };
};

describe('the stream generator', () => {
  it('yields valid streams: run.started first, every signal parses, seq 1..N, `at` increasing with ms', () => {
    fc.assert(
      fc.property(streams, ({ runId, signals }) => {
        expect(signals[0]?.type).toBe('run.started');
        signals.forEach((s, i) => {
          expect(parseSignalOrThrow(JSON.parse(JSON.stringify(s)))).toStrictEqual(s);
          expect(s.runId).toBe(runId);
          expect(s.seq).toBe(i + 1);
          expect(s.at).toMatch(/\.\d{3}Z$/);
          if (i > 0) expect(Date.parse(s.at)).toBeGreaterThan(Date.parse((signals[i - 1] as Signal).at));
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('projection properties', () => {
  it('the incremental view at every prefix equals projectRun(prefix), and signals are not mutated', () => {
    fc.assert(
      fc.property(streams, ({ signals }) => {
        const pristine = deepClone(signals);
        const { view, snapshots } = incremental(signals);
        snapshots.forEach((snap, i) => {
          expect(snap).toStrictEqual(projectRun(signals.slice(0, i + 1)));
        });
        expect(view).toStrictEqual(projectRun(signals));
        expect(signals).toStrictEqual(pristine);
      }),
      { numRuns: 200 },
    );
  });

  it('every node’s lane equals laneFor(its signals); its attempt is the highest seen', () => {
    fc.assert(
      fc.property(streams, ({ signals }) => {
        const view = createRunView();
        signals.forEach((s, i) => {
          apply(view, s);
          const prefix = signals.slice(0, i + 1);
          for (const n of view.nodes.values()) {
            const own = signalsOfNode(prefix, n.id);
            expect(n.lane).toBe(laneFor(own));
            expect(n.attempt).toBe(Math.max(0, ...own.map((x) => ('attempt' in x ? x.attempt : 0))));
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('lane counts always sum to the number of nodes and equal a recount', () => {
    fc.assert(
      fc.property(streams, ({ signals }) => {
        const view = createRunView();
        for (const s of signals) {
          apply(view, s);
          expectCountsConsistent(view);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('nodes are exactly the stream’s node ids plus named parents; lineage is two-way and unique', () => {
    fc.assert(
      fc.property(streams, ({ signals }) => {
        const view = projectRun(signals);
        const ids = new Set<string>();
        for (const s of signals) if ('nodeId' in s) ids.add(s.nodeId);
        for (const id of ids) expect(view.nodes.has(id)).toBe(true);
        for (const n of view.nodes.values()) {
          if (!ids.has(n.id)) expect(n.children.length).toBeGreaterThan(0);
          expect(new Set(n.children).size).toBe(n.children.length);
          for (const c of n.children) expect(view.nodes.get(c)?.parentId).toBe(n.id);
          if (n.parentId !== undefined) expect(node(view, n.parentId).children).toContain(n.id);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('event lists and usage totals equal a direct recount of the stream', () => {
    fc.assert(
      fc.property(streams, ({ signals }) => {
        const view = projectRun(signals);
        const of = (...types: string[]) => signals.filter((s) => types.includes(s.type));
        expect(view.escalations).toStrictEqual(of('escalation.requested', 'node.escalated'));
        expect(view.confidence).toStrictEqual(
          of('confidence.rated', 'confidence.passed', 'confidence.escalated'),
        );
        expect(view.approvals).toStrictEqual(of('node.awaiting_approval', 'approval.decided'));
        const byTier = new Map<number, UsageTotals>();
        const total: UsageTotals = { inputTokens: 0, outputTokens: 0, costUsd: 0, calls: 0 };
        for (const s of signals) {
          if (s.type !== 'usage') continue;
          const t = byTier.get(s.tier) ?? { inputTokens: 0, outputTokens: 0, costUsd: 0, calls: 0 };
          byTier.set(s.tier, t);
          for (const u of [t, total]) {
            u.inputTokens += s.inputTokens;
            u.outputTokens += s.outputTokens;
            u.costUsd += s.costUsd;
            u.calls++;
          }
        }
        expect(view.usageByTier).toStrictEqual(byTier);
        expect(view.usage).toStrictEqual(total);
        expect(view.lastSeq).toBe(signals.length);
        expect(view.rev).toBe(signals.length);
      }),
      { numRuns: 200 },
    );
  });

  it('at-least-once, out-of-order delivery ends in the same view as the clean fold', () => {
    const deliveries = streams.chain(({ signals }) =>
      fc.record({
        signals: fc.constant(signals),
        // Before each in-order signal: a few re-deliveries from anywhere in the stream.
        noise: fc.array(fc.array(fc.nat({ max: signals.length - 1 }), { maxLength: 3 }), {
          minLength: signals.length,
          maxLength: signals.length,
        }),
      }),
    );
    fc.assert(
      fc.property(deliveries, ({ signals, noise }) => {
        const view = createRunView();
        signals.forEach((s, i) => {
          for (const j of noise[i] ?? []) {
            if (j === i) continue; // that one is the in-order delivery
            const early = j > i;
            const before = deepClone(view);
            expect(apply(view, signals[j] as Signal)).toBe(false);
            if (early) expect(view.gap).toEqual({ expected: i + 1, got: j + 1 });
            // Only the gap moves (and an empty view takes its runId from the first signal it sees).
            expect({ ...view, gap: before.gap, runId: before.runId ?? view.runId }).toStrictEqual({
              ...before,
              runId: before.runId ?? view.runId,
            });
          }
          expect(apply(view, s)).toBe(true);
          expect(view.gap).toBeNull();
        });
        expect(view).toStrictEqual(projectRun(signals));
      }),
      { numRuns: 200 },
    );
  });

  it('signals of another run change nothing', () => {
    const foreign = fc.oneof(signalArbs.usage, signalArbs['node.queued'], signalArbs['run.failed']);
    fc.assert(
      fc.property(
        streams,
        fc.array(fc.tuple(fc.nat(), foreign), { maxLength: 5 }),
        ({ runId, signals }, extra) => {
          const mixed: Signal[] = [...signals];
          for (const [at, s] of extra) {
            mixed.splice(1 + (at % mixed.length), 0, {
              ...s,
              runId: `${runId}-other`,
              seq: (at % mixed.length) + 2,
            });
          }
          expect(projectRun(mixed)).toStrictEqual(projectRun(signals));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('applyKnown', () => {
  it('folds like apply whatever node it is handed, and returns the node each signal went to', () => {
    fc.assert(
      fc.property(runStreamArb(), fc.array(fc.nat({ max: 9 }), { minLength: 1 }), ({ signals }, picks) => {
        const want = projectRun(signals);
        const view = createRunView();
        // What a caller holds: sometimes the right node, sometimes another one, sometimes nothing.
        const held: NodeView[] = [];
        signals.forEach((s, i) => {
          const pick = picks[i % picks.length] as number;
          const known = pick < 3 ? undefined : held[pick % Math.max(1, held.length)];
          const went = applyKnown(view, s, known);
          if (typeof went === 'object') {
            expect('nodeId' in s && went.id === s.nodeId).toBe(true);
            expect(view.nodes.get(went.id)).toBe(went);
            held.push(went);
          }
        });
        expect(view).toStrictEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it('says false for a signal it did not apply, and true for a run signal', () => {
    const log = runLog();
    const started = log.run('run.started', { ladder: defaultLadder });
    const queued = log.node('node.queued', 'a', { tier: 0 });
    const view = createRunView();
    expect(applyKnown(view, started, undefined)).toBe(true);
    expect(applyKnown(view, started, undefined)).toBe(false);
    const went = applyKnown(view, queued, undefined);
    expect(typeof went === 'object' && went.id).toBe('a');
    expect(went).toBe(view.nodes.get('a'));
  });
});
