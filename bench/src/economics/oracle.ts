import { isCorrect } from './provider.ts';
import { datasets, type ModelKey } from './published.ts';
import { accuracyOf, suite, tierModels, tierNames, topTier } from './suite.ts';

/** Derived USD of one answer: Table 10's total over the dataset's size. */
const answerUsd = (dataset: keyof typeof datasets, tier: number) =>
  (datasets[dataset].totalCostUsd[tierModels[tier] as ModelKey] as number) / datasets[dataset].samples;

/**
 * What routing alone could save on the bench's questions: one call per question, no gate, either to
 * the top tier or to the cheapest tier that answers that very question correctly (a question no tier
 * answers correctly goes to the cheapest tier: every answer to it is wrong anyway). Both get the same
 * questions right, so the oracle is the floor of any router, however it learns, at top-tier
 * correctness; no start-tier policy, which pays for a gate and for every tier it climbs through,
 * gets below it.
 */
export const oracleText = (seed: number, runs: number): string => {
  const lines = [
    '| node | one call to the top tier (USD per question) | one call to the cheapest correct tier | saving |',
    '| --- | --: | --: | --: |',
  ];
  let top = 0;
  let oracle = 0;
  for (const n of suite) {
    let t = 0;
    let o = 0;
    for (let run = 0; run < runs; run++) {
      t += answerUsd(n.dataset, topTier);
      const cheapest = tierModels.findIndex((_, tier) => isCorrect(seed, run, n.id, tier));
      o += answerUsd(n.dataset, Math.max(cheapest, 0));
    }
    top += t;
    oracle += o;
    lines.push(
      `| ${n.id} | $${(t / runs).toFixed(5)} | $${(o / runs).toFixed(5)} | ${((1 - o / t) * 100).toFixed(1)}% |`,
    );
  }
  lines.push(
    `| **every node (one run)** | **$${(top / runs).toFixed(4)}** | **$${(oracle / runs).toFixed(4)}** | **${((1 - oracle / top) * 100).toFixed(1)}%** |`,
  );
  return [
    '### What a per-question oracle router would save (one call per question, no gate)',
    '',
    ...lines,
  ].join('\n');
};

/**
 * The most a start tier can save, in closed form from the published figures: a gate that never errs,
 * one round per tier (the cheapest a climb can be) and, for each node, the start tier with the
 * lowest expected cost, against always top under the same gate (one call). Under the nested-difficulty
 * model a climb from `s` calls tier `t` when every tier from `s` below it answered wrongly, with
 * probability 1 − max(accuracy of those tiers), and ends correct at least as often as the top tier.
 * It is a ceiling for the suite: a gate that never errs gives every strategy the same answers.
 */
export const ceilingText = (): string => {
  const lines = [
    '| node | one call to the top tier (USD per question) | best start tier | its expected cost | saving |',
    '| --- | --: | --- | --: | --: |',
  ];
  let top = 0;
  let best = 0;
  for (const n of suite) {
    const climb = (start: number) => {
      let usd = 0;
      let solved = 0;
      for (let tier = start; tier <= topTier; tier++) {
        usd += answerUsd(n.dataset, tier) * (1 - solved);
        solved = Math.max(solved, accuracyOf(n.dataset, tier));
      }
      return usd;
    };
    const costs = tierModels.map((_, tier) => climb(tier));
    const start = costs.indexOf(Math.min(...costs));
    const t = answerUsd(n.dataset, topTier);
    const b = costs[start] as number;
    top += t;
    best += b;
    lines.push(
      `| ${n.id} | $${t.toFixed(5)} | ${tierNames[start]} | $${b.toFixed(5)} | ${((1 - b / t) * 100).toFixed(1)}% |`,
    );
  }
  lines.push(
    `| **every node (one run)** | **$${top.toFixed(4)}** | | **$${best.toFixed(4)}** | **${((1 - best / top) * 100).toFixed(1)}%** |`,
  );
  return [
    '### The most any start tier could save (a gate that never errs, one round per tier, the best start per node)',
    '',
    ...lines,
  ].join('\n');
};
