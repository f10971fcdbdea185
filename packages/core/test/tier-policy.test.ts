import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  betaPosterior,
  chooseStartTier,
  defaultLadder,
  describeTierReason,
  emptyTierStats,
  expectedCostFrom,
  type NodeHistory,
  type StartTierInput,
  type TierStats,
  tierReasonSaving,
  validateDag,
  workHash,
} from '../src/index.ts';
import { buildDag } from './run-helpers.ts';

const ladder = defaultLadder;
/** `runs` runs at rung `name`, `passes` passing, each costing `costPerRun` (tokens 2:1 to match). */
const stats = (name: string, runs: number, passes: number, costPerRun: number): TierStats => {
  const rung = ladder.find((t) => t.name === name) as (typeof ladder)[number];
  const out = (costPerRun * 1000) / (2 * rung.costPer1kInput + rung.costPer1kOutput);
  return {
    ...emptyTierStats(),
    runs,
    passes,
    attempts: runs,
    calls: runs,
    costUsd: runs * costPerRun,
    inputTokens: runs * 2 * out,
    outputTokens: runs * out,
  };
};
/** The same runs, every one reached by escalating from the tier below. */
const climbed = (s: TierStats): TierStats => ({
  ...s,
  enteredRuns: s.runs,
  enteredPasses: s.passes,
  enteredCostUsd: s.costUsd,
});
const node = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'summarise' }] }).nodes[0] as Parameters<
  typeof workHash
>[0];
const hash = workHash(node);
const history = (tiers: Record<string, TierStats>, runs = 9): NodeHistory => ({
  workHash: hash,
  runs,
  totalRuns: Math.round(runs),
  tiers,
});
const choose = (h: NodeHistory | undefined, over: Partial<StartTierInput> = {}) =>
  chooseStartTier({
    history: h,
    workHash: hash,
    ladder,
    configured: 0,
    maxTier: 2,
    random: () => 0.99,
    options: { explore: 0.1 },
    ...over,
  });

describe('the Beta posterior', () => {
  it('is the prior with no runs and moves toward the observed rate', () => {
    // The default prior is sceptical: a tier nobody has seen is taken to pass one run in three.
    expect(betaPosterior(0, 0)).toEqual({ alpha: 1, beta: 2, mean: 1 / 3 });
    expect(betaPosterior(9, 10).mean).toBeCloseTo(10 / 13);
    expect(betaPosterior(1, 9, { alpha: 2, beta: 2 })).toEqual({ alpha: 3, beta: 10, mean: 3 / 13 });
  });
});

describe('expected cost to a passing answer', () => {
  it('pays for each tier only when every tier below it (from the start) failed', () => {
    const tiers = [
      { passRate: 0.1, meanCostUsd: 1 },
      { passRate: 0.5, meanCostUsd: 10 },
      { passRate: 1, meanCostUsd: 100 },
    ];
    expect(expectedCostFrom(2, tiers)).toBe(100);
    expect(expectedCostFrom(1, tiers)).toBe(10 + 0.5 * 100);
    expect(expectedCostFrom(0, tiers)).toBeCloseTo(1 + 0.9 * 60);
  });
});

describe('the start-tier policy', () => {
  it('starts a node whose cheap tier rarely passes one tier up, and says why', () => {
    const { tier, reason } = choose(
      history({ small: stats('small', 9, 1, 0.002), medium: climbed(stats('medium', 8, 8, 0.004)) }),
    );
    expect(tier).toBe(1);
    expect(reason).toMatchObject({ policy: 'expected-cost', configured: 0, best: 1, chosen: 1, cold: false });
    expect(reason.expectedCostUsd['1']).toBeLessThan(reason.expectedCostUsd['0'] as number);
    expect(tierReasonSaving(reason)).toBeGreaterThan(0);
    expect(describeTierReason(reason, ladder)).toMatch(
      /^started at medium: small passed the gate in 1 of 9 recent runs; expected \$0\.0\d+ vs \$0\.0\d+$/,
    );
  });

  it('keeps the cheap start when it usually passes', () => {
    const { tier, reason } = choose(
      history({ small: stats('small', 9, 8, 0.002), medium: climbed(stats('medium', 1, 1, 0.004)) }),
    );
    expect(tier).toBe(0);
    expect(tierReasonSaving(reason)).toBe(0);
    expect(describeTierReason(reason, ladder)).toMatch(/^started at small, the cheapest expected start/);
  });

  it('skips a cheap tier only when its price does not pay for its passes', () => {
    // Small passes 1 run in 10: still worth trying first at a hundredth of medium's price…
    const cheap = choose(
      history({ small: stats('small', 10, 1, 0.0001), medium: climbed(stats('medium', 5, 5, 0.01)) }),
    );
    expect(cheap.tier).toBe(0);
    // …but not at half of it.
    const dear = choose(
      history({ small: stats('small', 10, 1, 0.005), medium: climbed(stats('medium', 5, 5, 0.01)) }),
    );
    expect(dear.tier).toBe(1);
  });

  it('prices an untried tier from a neighbour’s tokens at its own rates', () => {
    const { reason } = choose(history({ small: stats('small', 9, 0, 0.0002) }));
    expect(reason.history['1']).toMatchObject({
      runs: 0,
      estimated: true,
      entered: { runs: 0 },
    });
    // Small's tokens at medium's rates: 0.015 vs 0.0009 per 2k input + 1k output.
    // Nothing tried above small: medium passes what small passes and its share of the rest (1/3 overall).
    expect(reason.history['1']?.passRate).toBeCloseTo(1 / 3, 3);
    expect(reason.history['1']?.meanCostUsd).toBeCloseTo((0.0002 * 0.015) / 0.0009, 8);
  });

  it('starts at the configured tier while the history is too short (cold start)', () => {
    expect(choose(undefined)).toMatchObject({ tier: 0, reason: { cold: true, chosen: 0 } });
    const short = choose(
      history({ small: stats('small', 3, 0, 0.002), medium: stats('medium', 3, 3, 0.004) }, 3),
      {
        configured: 1,
      },
    );
    expect(short).toMatchObject({ tier: 1, reason: { cold: true, runs: 3, minRuns: 5 } });
    expect(describeTierReason(short.reason, ladder)).toBe(
      'started at medium: too little history to choose (3 of 5 runs needed)',
    );
  });

  it('starts over when the node’s work changed (another work hash)', () => {
    const h = history({ small: stats('small', 9, 0, 0.002), medium: stats('medium', 9, 9, 0.004) });
    expect(choose(h).tier).toBe(1);
    const changed = workHash({ ...node, prompt: 'summarise, in French' } as typeof node);
    expect(changed).not.toBe(hash);
    expect(choose(h, { workHash: changed })).toMatchObject({ tier: 0, reason: { cold: true, runs: 0 } });
    // Display and routing fields are not the work.
    expect(workHash({ ...node, label: 'Summary', startTier: 'auto', maxTier: 2 } as typeof node)).toBe(hash);
  });

  it('never chooses above maxTier nor the human rung', () => {
    const h = history({
      small: stats('small', 9, 0, 0.002),
      medium: stats('medium', 9, 0, 0.004),
      large: stats('large', 9, 9, 0.01),
    });
    expect(choose(h).tier).toBe(2);
    expect(choose(h, { maxTier: 1 }).tier).toBe(1);
    expect(choose(h, { maxTier: 3 }).tier).toBe(2);
  });

  it('explores the cheapest tier below the best that lacks recent runs, with the configured probability', () => {
    // Large is best; small has had no recent run, medium one climb.
    const h = history({
      small: stats('small', 0.5, 0, 0.002),
      medium: climbed(stats('medium', 0.8, 0, 0.02)),
      large: stats('large', 12, 12, 0.03),
    });
    let draws = 0;
    const runs = 10_000;
    let explored = 0;
    // A deterministic uniform sequence: the share of draws under 0.1 is 0.1.
    for (let i = 0; i < runs; i++) {
      const r = choose(h, {
        random: () => {
          draws++;
          return ((i * 7919) % runs) / runs;
        },
      });
      expect([0, 2]).toContain(r.tier);
      if (r.reason.explored) {
        explored++;
        expect(r).toMatchObject({ tier: 0, reason: { best: 2, chosen: 0 } });
        expect(describeTierReason(r.reason, ladder)).toMatch(/^started at small to explore, two below large/);
      }
    }
    expect(draws).toBe(runs);
    expect(explored / runs).toBeCloseTo(0.1, 2);
    // A tier tried lately is left alone (medium, then nothing), and nothing is explored when asked not to.
    const sampled = { ...h, tiers: { ...h.tiers, small: stats('small', 1.2, 0, 0.002) } };
    expect(choose(sampled, { random: () => 0 })).toMatchObject({ tier: 1, reason: { explored: true } });
    const both = { ...h, tiers: { ...sampled.tiers, medium: stats('medium', 3, 0, 0.02) } };
    expect(choose(both, { random: () => 0 }).reason).toMatchObject({ best: 2, explored: false });
    expect(choose(h, { random: () => 0, options: { explore: 0 } }).tier).toBe(2);
    // Nothing below the cheapest tier to explore.
    expect(choose(history({ small: stats('small', 9, 9, 0.002) }), { random: () => 0 }).reason.explored).toBe(
      false,
    );
  });

  it('bounds exploration for any history: below the best, at a tier short of runs, never when cold', () => {
    const tier = fc.record({
      runs: fc.double({ min: 0, max: 30, noNaN: true }),
      pass: fc.double({ min: 0, max: 1, noNaN: true }),
      cost: fc.double({ min: 1e-5, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(tier, { minLength: 3, maxLength: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 12 }),
        (tiers, draw, total) => {
          const h = history(
            Object.fromEntries(
              tiers.map((t, i) => [
                ladder[i]?.name as string,
                stats(ladder[i]?.name as string, t.runs, t.runs * t.pass, t.cost),
              ]),
            ),
            total,
          );
          const { tier: chosen, reason } = choose(h, { random: () => draw });
          expect(chosen).toBe(reason.chosen);
          expect(chosen).toBeLessThanOrEqual(reason.best);
          if (reason.cold) expect(reason).toMatchObject({ chosen: 0, explored: false });
          if (!reason.explored) expect(chosen).toBe(reason.best);
          else {
            expect(draw).toBeLessThan(0.1);
            expect(reason.history[String(chosen)]?.runs).toBeLessThan(1);
          }
          for (const e of Object.values(reason.history)) {
            expect(e.passRate).toBeGreaterThanOrEqual(0);
            expect(e.passRate).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('prices a climb from how a tier does after the tiers below failed, not from its overall rate', () => {
    // Medium passes 9 in 10 fresh questions, but none of the 10 that small failed; large passes all.
    const small = stats('small', 20, 10, 0.002);
    const medium = stats('medium', 20, 9, 0.01);
    const large = stats('large', 10, 10, 0.012);
    const hardClimbs = { ...medium, enteredRuns: 10, enteredPasses: 0, enteredCostUsd: 0.1 };
    const naive = choose(history({ small, medium, large }, 20));
    const informed = choose(
      history({ small, medium: hardClimbs, large: { ...large, enteredRuns: 10, enteredCostUsd: 0.12 } }, 20),
    );
    // Started at small, a run pays small, then medium on a hard question (which fails), then large.
    expect(informed.reason.history['1']).toMatchObject({ entered: { runs: 10 } });
    expect(informed.reason.history['1']?.passRate).toBeGreaterThan(0.75);
    expect(informed.reason.history['1']?.entered?.passRate).toBeLessThan(0.1);
    expect(informed.reason.expectedCostUsd['0']).toBeCloseTo(0.002 + 0.5 * (0.01 + (1 - 0.0167) * 0.012), 2);
    expect(informed.reason.expectedCostUsd['0']).toBeGreaterThan(naive.reason.expectedCostUsd['0'] as number);
    // A tier only ever climbed to passes a fresh question at least as often as a climbed one.
    const onlyClimbed = choose(
      history({
        small: stats('small', 9, 0, 0.009),
        medium: { ...stats('medium', 9, 9, 0.01), enteredRuns: 9, enteredPasses: 9, enteredCostUsd: 0.09 },
      }),
    );
    expect(onlyClimbed.reason.history['1']?.passRate).toBeGreaterThan(0.85);
    expect(onlyClimbed.tier).toBe(1);
  });

  it('does not trust a cheap tier on a run or two (sceptical prior)', () => {
    // Large passes 12 in 16; small, a tenth of its price, was tried once and failed.
    const h = history({ small: stats('small', 1, 0, 0.02), large: stats('large', 16, 12, 0.2) }, 30);
    expect(choose(h).tier).toBe(2);
    expect(
      choose(h, { options: { prior: { alpha: 1, beta: 1 } } }).reason.history['0']?.passRate,
    ).toBeCloseTo(1 / 3);
    expect(choose(h).reason.history['0']?.passRate).toBeCloseTo(1 / 4);
  });
});

describe('"auto" in a DAG document', () => {
  it('is a start tier of a node and of the DAG, never a rung the ladder must have', () => {
    const doc = {
      id: 'd',
      ladder,
      startTier: 'auto',
      nodes: [{ id: 'a', kind: 'llm', prompt: 'x', startTier: 'auto', maxTier: 'medium' }],
    };
    expect(validateDag(doc).ok).toBe(true);
    const bad = validateDag({ ...doc, startTier: 'nope' });
    expect(bad.ok ? [] : bad.issues).toEqual([
      { path: 'startTier', code: 'unknown_tier', message: 'tier "nope" is not in the DAG\'s ladder' },
    ]);
    // As a max tier it names a rung like any other.
    expect(validateDag({ ...doc, nodes: [{ ...doc.nodes[0], maxTier: 'auto' }] }).ok).toBe(false);
  });
});
