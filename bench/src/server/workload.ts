/**
 * Realistic run workloads for the server bench: the DAG a run row carries and the signal stream the
 * executor's log would hand `appendSignals` for it (DESIGN §2), built with core's constructors.
 */
import {
  type DagSpec,
  defaultLadder,
  makeSignal,
  type Signal,
  type SignalDraft,
  withSeq,
} from '@laneflow/core';
import { prng } from '../prng.ts';

/** A fan-out DAG of `n` sim LLM nodes (what a run row stores as `dag`). */
export const fanoutDag = (id: string, n: number): DagSpec => ({
  id,
  name: `bench ${id}`,
  nodes: Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    kind: 'llm' as const,
    prompt: `Summarise section ${i} of {{inputs.doc}} in three sentences.`,
    sim: { latencyMs: 400 + (i % 7) * 50 },
  })),
  edges: [],
});

/**
 * The signals of one run of `nodes` LLM nodes, in the order the executor emits them: `run.started`,
 * every node queued, then nodes run in `slots` interleaved slots (started, usage, succeeded), then
 * `run.succeeded`. Timestamps advance `stepMs` per signal from `t0`.
 */
export const runSignals = (
  runId: string,
  nodes: number,
  opts: { slots?: number; t0?: number; stepMs?: number; seed?: number } = {},
): Signal[] => {
  const slots = opts.slots ?? 8;
  const step = opts.stepMs ?? 0.5;
  const rand = prng(opts.seed ?? 1);
  let t = opts.t0 ?? Date.UTC(2026, 0, 1);
  const drafts: SignalDraft[] = [];
  const at = () => {
    t += step;
    return new Date(t).toISOString();
  };
  drafts.push(makeSignal('run.started', { runId, at: at(), ladder: defaultLadder, dagId: 'bench' }));
  for (let i = 0; i < nodes; i++)
    drafts.push(
      makeSignal('node.queued', { runId, at: at(), nodeId: `n${i}`, attempt: 1, label: `n${i}`, tier: 0 }),
    );
  for (let start = 0; start < nodes; start += slots) {
    const group = Array.from({ length: Math.min(slots, nodes - start) }, (_, j) => `n${start + j}`);
    for (const nodeId of group)
      drafts.push(
        makeSignal('node.started', { runId, at: at(), nodeId, attempt: 1, tier: 0, model: 'sim-small' }),
      );
    for (const nodeId of group) {
      const inputTokens = 40 + Math.floor(rand() * 400);
      const outputTokens = 60 + Math.floor(rand() * 300);
      const costUsd = (inputTokens * 0.00015 + outputTokens * 0.0006) / 1000;
      drafts.push(
        makeSignal('usage', {
          runId,
          at: at(),
          nodeId,
          attempt: 1,
          tier: 0,
          model: 'sim-small',
          inputTokens,
          outputTokens,
          costUsd,
        }),
      );
      drafts.push(
        makeSignal('node.succeeded', {
          runId,
          at: at(),
          nodeId,
          attempt: 1,
          output: `[sim-small] Summarise section ${nodeId.slice(1)} of the quarterly report in three sentences.`,
          elapsedMs: 400 + Math.floor(rand() * 300),
          usage: { inputTokens, outputTokens, costUsd },
        }),
      );
    }
  }
  drafts.push(makeSignal('run.succeeded', { runId, at: at() }));
  return drafts.map((d, i) => withSeq(d, i + 1) as Signal);
};

/** Splits a run's signals into the batches its log would commit. */
export const batches = <T>(xs: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
};

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
