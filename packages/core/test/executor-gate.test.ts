import { describe, expect, it } from 'vitest';
import { type GateRound, overallOf, runGate, validateDag } from '../src/index.ts';
import { buildDag, ladderOf, only, pick, recordingSim, runDag, typesOf } from './run-helpers.ts';

const gated = (gate: Record<string, unknown>, sim: Record<string, unknown>) =>
  buildDag({
    nodes: [
      { id: 'a', kind: 'llm', prompt: 'x', gate, sim: { answer: 'ans', ...sim } },
      { id: 'b', kind: 'transform', mapping: '{{a}}' },
    ],
    edges: [{ source: 'a', target: 'b' }],
  });

describe('the confidence gate in a run', () => {
  it('passes at exactly the target (inclusive)', async () => {
    const { result, signals } = await runDag(gated({ target: 0.8 }, { confidence: 0.8 }), {
      ladder: ladderOf(3, true),
    });
    expect(typesOf(signals, 'a')).toEqual([
      'node.queued',
      'node.started',
      'confidence.rated',
      'confidence.passed',
      'node.succeeded',
    ]);
    expect(only(signals, 'confidence.rated', 'a')).toMatchObject({
      ratings: { correctness: 0.8, completeness: 0.8, evidence: 0.8, risk: 0.8 },
      overall: 0.8,
      target: 0.8,
      passed: true,
      round: 1,
    });
    expect(only(signals, 'confidence.passed', 'a')).toMatchObject({ overall: 0.8, target: 0.8, rounds: 1 });
    expect(result.outputs).toEqual({ a: 'ans', b: 'ans' });
  });

  it('just below the target does not pass', async () => {
    const { signals } = await runDag(gated({ target: 0.8, maxTries: 1 }, { confidence: 0.7999 }), {
      ladder: ladderOf(1, false),
    });
    expect(only(signals, 'confidence.rated', 'a').passed).toBe(false);
    expect(pick(signals, 'node.succeeded', 'a')).toEqual([]);
  });

  it('overall is the minimum over the categories', async () => {
    const { signals } = await runDag(
      gated(
        { target: 0.6, categories: ['correctness', 'risk'] },
        { confidence: { correctness: 0.9, risk: 0.61, unrelated: 0.1 } },
      ),
      { ladder: ladderOf(1, false) },
    );
    expect(only(signals, 'confidence.rated', 'a')).toMatchObject({
      ratings: { correctness: 0.9, risk: 0.61 },
      overall: 0.61,
      passed: true,
    });
  });

  it('retries with the rating as feedback and passes on round 2', async () => {
    const sim = recordingSim();
    const { result, signals } = await runDag(gated({}, { confidence: [0.5, 0.97] }), {
      ladder: ladderOf(3, true),
      providers: { sim },
    });
    expect(typesOf(signals, 'a')).toEqual([
      'node.queued',
      'node.started',
      'confidence.rated',
      'confidence.rated',
      'confidence.passed',
      'node.succeeded',
    ]);
    expect(
      pick(signals, 'confidence.rated', 'a').map((s) => [s.round, s.overall, s.target, s.passed]),
    ).toEqual([
      [1, 0.5, 0.95, false],
      [2, 0.97, 0.95, true],
    ]);
    expect(only(signals, 'confidence.passed', 'a')).toMatchObject({ overall: 0.97, target: 0.95, rounds: 2 });
    // Round 2's work is told how round 1 was rated.
    expect(sim.requests.map((r) => r.feedback)).toEqual([
      undefined,
      {
        ratings: { correctness: 0.5, completeness: 0.5, evidence: 0.5, risk: 0.5 },
        overall: 0.5,
        target: 0.95,
        round: 1,
      },
    ]);
    expect(sim.ratings.map((r) => r.round)).toEqual([1, 2]);
    expect(result.status).toBe('succeeded');
    // Gate work costs tokens: one usage per completion and one per rating.
    expect(pick(signals, 'usage', 'a')).toHaveLength(4);
  });

  it('exhausted: confidence.escalated, escalation.requested (low_confidence), node.escalated; the child is gated again', async () => {
    const sim = recordingSim();
    const { result, signals } = await runDag(
      gated(
        { maxTries: 2 },
        { confidence: [0.5, 0.4], tiers: { medium: { answer: 'better', confidence: 0.99 } } },
      ),
      { ladder: ladderOf(3, true), providers: { sim } },
    );
    expect(typesOf(signals, 'a')).toEqual([
      'node.queued',
      'node.started',
      'confidence.rated',
      'confidence.rated',
      'confidence.escalated',
      'escalation.requested',
      'node.escalated',
    ]);
    expect(only(signals, 'confidence.escalated', 'a')).toMatchObject({
      overall: 0.5,
      target: 0.95,
      rounds: 2,
    });
    const req = only(signals, 'escalation.requested', 'a').request;
    expect(req).toEqual({
      reason: 'confidence 0.50 below target 0.95 after 2 tries',
      trigger: 'low_confidence',
      urgency: 'blocked',
      fromTier: 0,
      confidence: 0.5,
      ratings: { correctness: 0.5, completeness: 0.5, evidence: 0.5, risk: 0.5 },
    });
    expect(only(signals, 'node.escalated', 'a')).toMatchObject({
      route: 'higher_tier',
      fromTier: 0,
      toTier: 1,
      childId: 'a@t1',
      request: req,
    });
    expect(typesOf(signals, 'a@t1')).toEqual([
      'node.queued',
      'node.started',
      'confidence.rated',
      'confidence.passed',
      'node.succeeded',
    ]);
    expect(only(signals, 'confidence.rated', 'a@t1')).toMatchObject({
      overall: 0.99,
      round: 1,
      passed: true,
    });
    // The child works with the reason and ratings of the escalation as context.
    expect(sim.requests.at(-1)?.escalation).toEqual({
      reason: req.reason,
      fromTier: 0,
      ratings: req.ratings,
    });
    expect(only(signals, 'node.succeeded', 'b').output).toBe('better');
    expect(result.status).toBe('succeeded');
  });

  it('never completes below target: a ladder of low confidence gives up', async () => {
    const { result, signals } = await runDag(gated({ maxTries: 1, target: 0.9 }, { confidence: 0.89 }), {
      ladder: ladderOf(2, false),
    });
    expect(pick(signals, 'node.succeeded')).toEqual([]);
    expect(pick(signals, 'confidence.escalated').map((s) => s.nodeId)).toEqual(['a', 'a@t1']);
    expect(only(signals, 'node.escalated', 'a@t1').route).toBe('give_up');
    expect(only(signals, 'node.skipped', 'b').reason).toBe('upstream_gave_up');
    expect(result.status).toBe('failed');
  });

  it('rates with raterTier when set', async () => {
    const sim = recordingSim();
    await runDag(gated({ raterTier: 'large' }, { confidence: 1 }), {
      ladder: ladderOf(3, false),
      providers: { sim },
    });
    expect(sim.requests.map((r) => r.tier)).toEqual([0]);
    expect(sim.ratings.map((r) => r.tier)).toEqual([2]);
  });

  it('a gate with a failing attempt retries the whole gated work', async () => {
    const dag = buildDag({
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'x',
          gate: {},
          retries: { max: 1, backoffMs: 5, jitter: 0 },
          sim: { answer: 'ok', confidence: 1, failTimes: 1 },
        },
      ],
    });
    const { signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(typesOf(signals, 'a')).toEqual([
      'node.queued',
      'node.started',
      'node.failed',
      'node.queued',
      'node.started',
      'confidence.rated',
      'confidence.passed',
      'node.succeeded',
    ]);
    expect(only(signals, 'confidence.rated', 'a').attempt).toBe(2);
  });

  it('invalid gate config is rejected when the DAG is validated', () => {
    const dag = (gate: unknown) => ({ id: 'd', nodes: [{ id: 'a', kind: 'llm', prompt: 'x', gate }] });
    const paths = (gate: unknown) => {
      const v = validateDag(dag(gate));
      return v.ok ? [] : v.issues.map((i) => i.path);
    };
    expect(paths({ maxTries: 0 })).toEqual(['nodes.0.gate.maxTries']);
    expect(paths({ target: 1.01 })).toEqual(['nodes.0.gate.target']);
    expect(paths({ target: -0.1 })).toEqual(['nodes.0.gate.target']);
    expect(paths({ maxTries: 1, target: 0 })).toEqual([]);
    const ok = validateDag(dag({}));
    expect(ok.ok && ok.value.nodes[0]?.gate).toEqual({
      target: 0.95,
      categories: ['correctness', 'completeness', 'evidence', 'risk'],
      maxTries: 3,
    });
  });
});

describe('runGate (standalone)', () => {
  const cats = ['a', 'b'];
  const opts = { target: 0.9, categories: cats, maxTries: 3, fromTier: 1 };
  const ratingsFrom =
    (list: Array<Record<string, number>>) =>
    async (_out: string, round: number): Promise<Record<string, number>> =>
      list[round - 1] ?? {};

  it('passes on the first round at the target, calling the work once', async () => {
    const works: unknown[] = [];
    const rounds: GateRound[] = [];
    const out = await runGate(
      async (fb) => {
        works.push(fb);
        return 'w1';
      },
      ratingsFrom([{ a: 0.9, b: 1 }]),
      opts,
      (r) => rounds.push(r),
    );
    expect(out).toEqual({ passed: true, output: 'w1', overall: 0.9, rounds: 1, ratings: { a: 0.9, b: 1 } });
    expect(works).toEqual([undefined]);
    expect(rounds).toEqual([
      { ratings: { a: 0.9, b: 1 }, overall: 0.9, target: 0.9, passed: true, round: 1 },
    ]);
  });

  it('retries with the last rating as feedback until it passes', async () => {
    const feedback: unknown[] = [];
    let n = 0;
    const out = await runGate(
      async (fb) => {
        feedback.push(fb);
        return `w${++n}`;
      },
      ratingsFrom([
        { a: 0.2, b: 0.95 },
        { a: 0.95, b: 0.95 },
      ]),
      opts,
    );
    expect(out).toMatchObject({ passed: true, output: 'w2', rounds: 2, overall: 0.95 });
    expect(feedback).toEqual([
      undefined,
      { ratings: { a: 0.2, b: 0.95 }, overall: 0.2, target: 0.9, round: 1 },
    ]);
  });

  it('exhausted: returns the best output with a low_confidence request', async () => {
    let n = 0;
    const rounds: GateRound[] = [];
    const out = await runGate(
      async () => `w${++n}`,
      ratingsFrom([
        { a: 0.3, b: 0.3 },
        { a: 0.8, b: 0.7 },
        { a: 0.5, b: 0.9 },
      ]),
      opts,
      (r) => rounds.push(r),
    );
    expect(rounds.map((r) => [r.round, r.overall, r.passed])).toEqual([
      [1, 0.3, false],
      [2, 0.7, false],
      [3, 0.5, false],
    ]);
    expect(out).toEqual({
      passed: false,
      output: 'w2',
      overall: 0.7,
      rounds: 3,
      ratings: { a: 0.8, b: 0.7 },
      request: {
        reason: 'confidence 0.70 below target 0.9 after 3 tries',
        trigger: 'low_confidence',
        urgency: 'blocked',
        fromTier: 1,
        confidence: 0.7,
        ratings: { a: 0.8, b: 0.7 },
      },
    });
  });

  it('says "try" for a single try and defaults fromTier to 0', async () => {
    const out = await runGate(
      async () => 'w',
      async () => ({ a: 0, b: 0 }),
      {
        target: 0.5,
        categories: cats,
        maxTries: 1,
      },
    );
    expect(out.passed).toBe(false);
    if (!out.passed) {
      expect(out.request.reason).toBe('confidence 0.00 below target 0.5 after 1 try');
      expect(out.request.fromTier).toBe(0);
    }
  });

  it('an unrated category counts as 0, so it never passes', async () => {
    expect(overallOf({ a: 1 }, cats)).toBe(0);
    expect(overallOf({ a: 1, b: 0.4, c: 0 }, cats)).toBe(0.4);
    const out = await runGate(
      async () => 'w',
      async () => ({ a: 1 }),
      { ...opts, maxTries: 1 },
    );
    expect(out.passed).toBe(false);
  });

  it('a target of 0 passes anything, even an all-zero rating', async () => {
    const out = await runGate(
      async () => 'w',
      async () => ({}),
      { ...opts, target: 0 },
    );
    expect(out).toMatchObject({ passed: true, rounds: 1, overall: 0 });
  });

  it('a rater that throws is a failed round (rated 0), never a pass', async () => {
    const rounds: GateRound[] = [];
    let calls = 0;
    const out = await runGate(
      async () => 'w',
      async () => {
        calls++;
        if (calls === 1) throw new Error('rater down');
        return { a: 1, b: 1 };
      },
      opts,
      (r) => rounds.push(r),
    );
    expect(rounds[0]).toEqual({ ratings: { a: 0, b: 0 }, overall: 0, target: 0.9, passed: false, round: 1 });
    expect(out).toMatchObject({ passed: true, rounds: 2 });
  });

  it('a rater that throws after an abort rethrows the abort reason', async () => {
    const ctl = new AbortController();
    const reason = new Error('stop');
    await expect(
      runGate(
        async () => 'w',
        async () => {
          ctl.abort(reason);
          throw new Error('aborted rater');
        },
        { ...opts, signal: ctl.signal },
      ),
    ).rejects.toBe(reason);
  });

  it('work that throws propagates (no rating, no further rounds)', async () => {
    const rounds: GateRound[] = [];
    let rated = 0;
    await expect(
      runGate(
        async () => {
          throw new Error('boom');
        },
        async () => {
          rated++;
          return {};
        },
        opts,
        (r) => rounds.push(r),
      ),
    ).rejects.toThrow('boom');
    expect(rated).toBe(0);
    expect(rounds).toEqual([]);
  });
});
