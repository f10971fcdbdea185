import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decayFactor,
  defaultLadder,
  describeTierReason,
  emptyTierStats,
  foldHistory,
  foldNodeHistory,
  type NodeObservation,
  observeRun,
  policySavingUsd,
  projectRun,
  type RunObservation,
  type Signal,
  startRun,
  type TierHistory,
  type TierStats,
} from '../src/index.ts';
import { buildDag, only, runDag, start } from './run-helpers.ts';

/** Small, medium, large and a human, each model tier dearer than the one below. */
const ladder = defaultLadder;

/** `hard` never passes the gate at small (which costs it almost medium's price), always at medium; `easy` passes at small. */
const dag = buildDag({
  nodes: [
    {
      id: 'hard',
      kind: 'llm',
      prompt: 'prove it',
      startTier: 'auto',
      gate: { target: 0.9, maxTries: 1 },
      sim: {
        answer: 'H',
        confidence: 0.95,
        tokens: { input: 1000, output: 500 },
        // A long answer at small: nearly medium's price, for nothing.
        tiers: { small: { confidence: 0.3, tokens: { input: 20_000, output: 5000 } } },
      },
    },
    {
      id: 'easy',
      kind: 'llm',
      prompt: 'say hi {{hard}}',
      startTier: 'auto',
      gate: { target: 0.9, maxTries: 1 },
      sim: { answer: 'E', confidence: 0.95 },
    },
  ],
  edges: [{ source: 'hard', target: 'easy' }],
});

const queuedTier = (signals: readonly Signal[], id: string) => only(signals, 'node.queued', id);

describe('the start-tier policy in a run', () => {
  it('moves a node to the tier its history favours, and the reason travels in node.queued', async () => {
    let history: TierHistory = {};
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      const { signals } = await runDag(dag, {
        ladder,
        tierHistory: history,
        tierPolicy: { explore: 0 },
        runId: `r${i}`,
      });
      const hard = queuedTier(signals, 'hard');
      starts.push(hard.tier);
      expect(hard.tierReason).toMatchObject({ policy: 'expected-cost', configured: 0 });
      history = foldHistory(history, observeRun(dag, signals) as RunObservation);
    }
    // Five runs of history (the default minimum) on the cascade, then medium; small's runs fade since.
    expect(starts).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(history.hard?.tiers.small).toMatchObject({ passes: 0, escalations: expect.any(Number) });
    expect(history.hard?.tiers.small?.triggers.low_confidence).toBeGreaterThan(0);
    expect(history.easy?.tiers.medium).toBeUndefined();

    const { signals } = await runDag(dag, { ladder, tierHistory: history, tierPolicy: { explore: 0 } });
    const reason = queuedTier(signals, 'hard').tierReason;
    expect(reason).toMatchObject({ cold: false, best: 1, chosen: 1, explored: false });
    expect(describeTierReason(reason as NonNullable<typeof reason>, ladder)).toMatch(
      /^started at medium: small passed the gate in 0 of 4 recent runs; expected \$[\d.e-]+ vs \$[\d.e-]+$/,
    );
    // The easy node stays on the cheapest tier; the run saves what the hard node no longer pays.
    expect(queuedTier(signals, 'easy')).toMatchObject({ tier: 0, tierReason: { chosen: 0, cold: false } });
    expect(policySavingUsd(projectRun(signals))).toBeGreaterThan(0);
    expect(signals.some((s) => s.type === 'node.escalated')).toBe(false);
  });

  it('a resumed run keeps the start its log holds, whatever the history says now', async () => {
    const cold = await runDag(dag, { ladder, runId: 'r' });
    const upToQueued = cold.signals.slice(0, cold.signals.indexOf(queuedTier(cold.signals, 'hard')) + 1);
    let history: TierHistory = {};
    for (let i = 0; i < 6; i++)
      history = foldHistory(history, observeRun(dag, cold.signals) as RunObservation);
    const h = startRun(dag, { ladder, runId: 'r', history: upToQueued, tierHistory: history });
    await h.result;
    expect(h.signals.filter((s) => s.type === 'node.queued' && s.nodeId === 'hard')[0]).toMatchObject({
      tier: 0,
      tierReason: { cold: true },
    });
    // The node the log had not queued yet is placed by today's history.
    expect(queuedTier(h.signals, 'easy').tierReason).toMatchObject({ cold: false });
  });

  it('a run-level "auto" applies to nodes that set no start tier; a fixed one does not ask', async () => {
    const plain = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'x' }] });
    const auto = await runDag(plain, { ladder, startTier: 'auto' });
    expect(queuedTier(auto.signals, 'a').tierReason).toMatchObject({ cold: true });
    const fixed = await runDag(plain, { ladder });
    expect(queuedTier(fixed.signals, 'a').tierReason).toBeUndefined();
    const dagLevel = await runDag(buildDag({ ...plain, startTier: 'auto' }), { ladder });
    expect(queuedTier(dagLevel.signals, 'a').tierReason).toBeDefined();
  });
});

const weight = fc.double({ min: 0, max: 50, noNaN: true });
const tierStats = fc.record({
  runs: weight,
  passes: weight,
  attempts: weight,
  rounds: weight,
  calls: weight,
  costUsd: fc.double({ min: 0, max: 1, noNaN: true }),
  inputTokens: weight,
  outputTokens: weight,
  escalations: weight,
  triggers: fc.dictionary(fc.constantFrom('low_confidence', 'error', 'out_of_depth'), weight),
  approved: weight,
  rejected: weight,
}) as fc.Arbitrary<TierStats>;
const observation: fc.Arbitrary<{ nodes: Record<string, NodeObservation> }> = fc.record({
  nodes: fc.dictionary(
    fc.constantFrom('a', 'b', '__proto__'),
    fc.record({
      workHash: fc.constantFrom('h1', 'h2'),
      tiers: fc.dictionary(fc.constantFrom('small', 'medium', 'constructor'), tierStats),
    }),
  ),
});

describe('the node history fold', () => {
  it('folded run by run through storage, node by node, equals the fold of all runs at once', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 12 }), fc.integer({ min: 1, max: 40 }), (runs, h) => {
        const options = { halfLifeRuns: h };
        const batch = runs.reduce<TierHistory>((acc, r) => foldHistory(acc, r, options), {});
        // As a store keeps it: one JSON row per node, read, folded and written back per run.
        const rows = new Map<string, string>();
        for (const r of runs)
          for (const [id, obs] of Object.entries(r.nodes)) {
            const row = rows.get(id);
            rows.set(id, JSON.stringify(foldNodeHistory(row ? JSON.parse(row) : undefined, obs, options)));
          }
        expect(Object.fromEntries([...rows].map(([id, row]) => [id, JSON.parse(row)]))).toEqual(
          JSON.parse(JSON.stringify(batch)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('halves a run’s weight after half-life runs, and starts over when the work changes', () => {
    const pass: NodeObservation = {
      workHash: 'h',
      tiers: { small: { ...emptyTierStats(), runs: 1, passes: 1 } },
    };
    const fail: NodeObservation = { workHash: 'h', tiers: { small: { ...emptyTierStats(), runs: 1 } } };
    let n = foldNodeHistory(undefined, pass, { halfLifeRuns: 10 });
    for (let i = 0; i < 10; i++) n = foldNodeHistory(n, fail, { halfLifeRuns: 10 });
    expect(n.tiers.small?.passes).toBeCloseTo(0.5, 12);
    expect(n.totalRuns).toBe(11);
    expect(n.runs).toBeCloseTo((1 - decayFactor(10) ** 11) / (1 - decayFactor(10)), 12);
    const changed = foldNodeHistory(n, { ...fail, workHash: 'h2' });
    expect(changed).toMatchObject({ workHash: 'h2', runs: 1, totalRuns: 1, tiers: { small: { passes: 0 } } });
  });

  it('observes a run: steps by tier, gate rounds, cost, escalation triggers; nothing before it ends', async () => {
    const { signals } = await runDag(dag, { ladder });
    const obs = observeRun(dag, signals) as RunObservation;
    expect(obs.status).toBe('succeeded');
    expect(obs.nodes.hard?.tiers).toMatchObject({
      small: {
        runs: 1,
        passes: 0,
        rounds: 1,
        escalations: 1,
        triggers: { low_confidence: 1 },
        enteredRuns: 0,
      },
      // Medium was reached by escalating from small: a climb, with what it cost.
      medium: { runs: 1, passes: 1, rounds: 1, escalations: 0, enteredRuns: 1, enteredPasses: 1 },
    });
    const medium = obs.nodes.hard?.tiers.medium;
    expect(medium?.enteredCostUsd).toBe(medium?.costUsd);
    expect(obs.nodes.easy?.tiers.small).toMatchObject({
      enteredRuns: 0,
      enteredPasses: 0,
      enteredCostUsd: 0,
    });
    expect(obs.nodes.easy?.tiers).toMatchObject({ small: { runs: 1, passes: 1 } });
    expect(Object.keys(obs.costByTier).sort()).toEqual(['medium', 'small']);
    expect(obs.costUsd).toBeCloseTo(projectRun(signals).usage.costUsd, 12);
    expect(obs.topTierCostUsd).toBeGreaterThan(0);
    expect(observeRun(dag, signals.slice(0, -1))).toBeUndefined();
  });

  it('counts human decisions: a rejected answer is no pass, the human rung’s approval is one', async () => {
    const reviewed = buildDag({
      nodes: [
        { id: 'a', kind: 'llm', prompt: 'x', approval: { when: 'after' }, sim: { answer: 'A' } },
        {
          id: 'b',
          kind: 'llm',
          prompt: 'y',
          sim: { escalate: { reason: 'ask a person', humanRequired: true } },
        },
      ],
    });
    const run = start(reviewed, { ladder });
    run.handle.subscribe((s) => {
      if (s.type === 'node.awaiting_approval')
        queueMicrotask(() =>
          run.handle.decide(s.approvalId, {
            decision: s.nodeId === 'a' ? 'rejected' : 'approved',
            by: 'ann',
            ...(s.nodeId !== 'a' && { output: 'B' }),
          }),
        );
    });
    await run.done();
    const obs = observeRun(reviewed, run.signals) as RunObservation;
    expect(obs.nodes.a?.tiers.small).toMatchObject({ runs: 1, passes: 0, rejected: 1, approved: 0 });
    expect(obs.nodes.b?.tiers).toMatchObject({
      small: { runs: 1, passes: 0, escalations: 1, triggers: { out_of_depth: 1 } },
      human: { runs: 1, passes: 1, approved: 1 },
    });
  });
});
