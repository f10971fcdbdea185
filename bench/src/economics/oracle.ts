import { isCorrect } from './provider.ts';
import { datasets, type ModelKey } from './published.ts';
import { suite, tierModels, topTier } from './suite.ts';

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
