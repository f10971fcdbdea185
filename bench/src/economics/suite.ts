import type { DagSpecInput, Ladder, StartTier } from '@laneflow/core';
import { type DatasetKey, datasets, type ModelKey, prices } from './published.ts';

/** The ladder, cheapest first: each rung a published model at its published price. */
export const tierModels: ModelKey[] = ['deepseek-v3', 'deepseek-r1', 'gpt-5'];
export const tierNames = ['small', 'medium', 'large'] as const;
export const topTier = tierModels.length - 1;

export const ladder: Ladder = tierModels.map((key, i) => ({
  name: tierNames[i] as string,
  provider: 'bench',
  model: prices[key].model,
  costPer1kInput: prices[key].inputPer1M / 1000,
  costPer1kOutput: prices[key].outputPer1M / 1000,
}));

/** Difficulty profiles, named by which rung the published scores favour. */
export const profiles = ['small-strong', 'medium-strong', 'large-only', 'hard-for-all'] as const;
export type Profile = (typeof profiles)[number];

type SuiteNode = { id: string; dataset: DatasetKey; profile: Profile };
const six: SuiteNode[] = [
  { id: 'mmlu-pro', dataset: 'mmlu-pro', profile: 'small-strong' },
  { id: 'aime', dataset: 'aime', profile: 'medium-strong' },
  { id: 'gpqa', dataset: 'gpqa', profile: 'medium-strong' },
  { id: 'tau2', dataset: 'tau2', profile: 'large-only' },
  { id: 'simpleqa', dataset: 'simpleqa', profile: 'large-only' },
  { id: 'hle', dataset: 'hle', profile: 'hard-for-all' },
];
/** The other four datasets of the published setting, for comparison (`--suite=all`). */
const four: SuiteNode[] = [
  { id: 'livemathbench', dataset: 'livemathbench', profile: 'medium-strong' },
  { id: 'livecodebench', dataset: 'livecodebench', profile: 'medium-strong' },
  { id: 'swe-bench', dataset: 'swe-bench', profile: 'hard-for-all' },
  { id: 'arena-hard', dataset: 'arena-hard', profile: 'small-strong' },
];
/** Whether this run of the bench uses every dataset of the setting. */
export const allDatasets = process.argv.includes('--suite=all');

/** The suite: one node per dataset; the mixed workload is all of them in one DAG. */
export const suite: SuiteNode[] = allDatasets ? [...six, ...four] : six;

/** The published accuracy of `tier` on the node's dataset, as a probability. */
export const accuracyOf = (dataset: DatasetKey, tier: number): number =>
  (datasets[dataset].accuracyPct[tierModels[tier] as ModelKey] as number) / 100;

/**
 * Derived: the published cost of one answer (Table 10's total over the dataset's size), billed as
 * output tokens at the tier's output price. Table 10 gives only the sum, so the input/output split
 * is not recoverable; putting it all on output keeps the cost of each call exact.
 */
export const outputTokensOf = (dataset: DatasetKey, tier: number): number => {
  const key = tierModels[tier] as ModelKey;
  const perCallUsd = (datasets[dataset].totalCostUsd[key] as number) / datasets[dataset].samples;
  return Math.max(1, Math.round((perCallUsd / prices[key].outputPer1M) * 1e6));
};

/**
 * Stated, not published: the gate's rating of an answer is a noisy observation of its correctness.
 * Correct → N(0.98, 0.025), wrong → N(0.80, 0.09), clipped to [0, 1], drawn afresh each gate round.
 * At the default target 0.95 that passes 88.5% of correct answers and 4.8% of wrong ones per round.
 */
export const gateNoise = {
  correct: { mean: 0.98, sd: 0.025 },
  wrong: { mean: 0.8, sd: 0.09 },
};
export type GateNoise = typeof gateNoise;

/** For comparison: a gate that always tells a correct answer (0.98) from a wrong one (0.80). */
export const perfectGate: GateNoise = {
  correct: { mean: 0.98, sd: 0 },
  wrong: { mean: 0.8, sd: 0 },
};

/**
 * Stated, not published: a call takes 1 s to its first token, then streams its output tokens at
 * 50 tokens/s. The output tokens are the derived ones above, so a call's latency follows its
 * published cost.
 */
export const latency = { firstTokenMs: 1000, tokensPerSecond: 50 };
export const callLatencyMs = (outputTokens: number): number =>
  Math.round(latency.firstTokenMs + (outputTokens / latency.tokensPerSecond) * 1000);

/** Gate rounds per tier, as a node gets them by default. */
export const defaultTries = 3;

/**
 * The suite's DAG with each node starting where `startOf` says. Every node has a gate on one category
 * at the default target (0.95), allowing `tries` rounds per tier.
 */
export const suiteDag = (startOf: (nodeId: string) => StartTier, tries = defaultTries): DagSpecInput => ({
  id: 'economics-suite',
  name: 'Escalation economics suite',
  ladder,
  nodes: suite.map((n) => ({
    id: n.id,
    kind: 'llm' as const,
    prompt: `Answer one ${datasets[n.dataset].name} question.`,
    startTier: startOf(n.id),
    maxTier: 'large',
    gate: { categories: ['correctness'], maxTries: tries },
  })),
});
