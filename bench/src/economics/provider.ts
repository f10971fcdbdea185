import type { Provider } from '@laneflow/core';
import { prng } from '../prng.ts';
import { accuracyOf, callLatencyMs, type GateNoise, outputTokensOf, suite } from './suite.ts';

/** FNV-1a: a stable 32-bit seed from a label, so each draw has its own stream. */
const hash = (label: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

/** A seeded stream of uniform draws in [0, 1) named by its label. */
export const stream = (label: string): (() => number) => prng(hash(label));

/** A uniform draw in [0, 1) that depends only on its label: every strategy sees the same questions. */
export const draw = (label: string): number => stream(label)();

const normal = (label: string, mean: number, sd: number): number => {
  const u = Math.max(draw(`${label}/u`), Number.MIN_VALUE);
  const v = draw(`${label}/v`);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

const datasetOf = new Map(suite.map((n) => [n.id, n.dataset]));
/** Escalation children are `<root>@t<tier>`; the question is the root's. */
const rootOf = (nodeId: string): string => nodeId.replace(/@t\d+$/, '');

/**
 * The question a node gets in run `run` has a difficulty u ~ U(0, 1); the tier answers it correctly
 * iff u < its published accuracy on the dataset. A harder question is harder for every tier, and a
 * gate round at the same tier gives the same answer again (published pass@1 says nothing about
 * retries helping).
 */
export const isCorrect = (seed: number, run: number, nodeId: string, tier: number): boolean => {
  const dataset = datasetOf.get(nodeId);
  if (dataset === undefined) throw new Error(`node ${nodeId} is not in the suite`);
  return draw(`${seed}/${run}/${nodeId}/difficulty`) < accuracyOf(dataset, tier);
};

/**
 * The bench's model backend for run `run`: answers `{correct}` after the tier's latency (on the run's
 * clock) with the tier's derived tokens, and rates an answer with `noise` (see `gateNoise`).
 */
export const createBenchProvider = (seed: number, run: number, noise: GateNoise): Provider => ({
  async complete(req, { sleep, signal }) {
    const root = rootOf(req.nodeId);
    const dataset = datasetOf.get(root);
    if (dataset === undefined) throw new Error(`node ${root} is not in the suite`);
    const outputTokens = outputTokensOf(dataset, req.tier);
    await sleep(callLatencyMs(outputTokens));
    signal.throwIfAborted();
    return {
      output: { correct: isCorrect(seed, run, root, req.tier), tier: req.tier },
      usage: { inputTokens: 0, outputTokens },
      model: req.tierSpec.model,
    };
  },
  async rate(req, { sleep }) {
    const root = rootOf(req.nodeId);
    const correct = (req.output as { correct?: boolean } | null)?.correct === true;
    const { mean, sd } = correct ? noise.correct : noise.wrong;
    const label = `${seed}/${run}/${root}/t${req.tier}/r${req.round}/rating`;
    const rating = Math.min(1, Math.max(0, normal(label, mean, sd)));
    // Billed as the core sim provider bills a rating: the answer read, 8 tokens written per category.
    const usage = {
      inputTokens: Math.max(1, Math.ceil(JSON.stringify(req.output).length / 4)),
      outputTokens: 8 * req.categories.length,
    };
    await sleep(callLatencyMs(usage.outputTokens));
    return {
      ratings: Object.fromEntries(req.categories.map((c) => [c, rating])),
      usage,
      model: req.tierSpec.model,
    };
  },
});
