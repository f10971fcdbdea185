import { defaultLadder, makeSignal, type Signal, type SignalDraft, withSeq } from '@laneflow/core';
import { prng } from './prng.ts';

export interface RunSignalsOptions {
  /** The run's DAG id (`run.started.dagId`). */
  dagId?: string;
  /** How many nodes run at once (interleaved). */
  slots?: number;
  /** `node.output_delta` chunks per node, between started and usage. */
  deltas?: number;
  t0?: number;
  stepMs?: number;
  seed?: number;
  /** A node's final output. */
  output?: (nodeId: string) => string;
}

/**
 * The signals of a finished run, in the order the executor emits them: `run.started`, every node
 * queued, then nodes run in `slots` interleaved slots (started, `deltas` output deltas, usage,
 * succeeded), then `run.succeeded`. Timestamps advance `stepMs` per signal from `t0`. Nodes are
 * `n0…n{nodes-1}` or the given ids. Built with core's constructors, so it is what a log would hold.
 */
export const runSignals = (
  runId: string,
  nodes: number | readonly string[],
  opts: RunSignalsOptions = {},
): Signal[] => {
  const ids = typeof nodes === 'number' ? Array.from({ length: nodes }, (_, i) => `n${i}`) : nodes;
  const slots = opts.slots ?? 8;
  const step = opts.stepMs ?? 0.5;
  const deltas = opts.deltas ?? 0;
  const output =
    opts.output ??
    ((nodeId: string) =>
      `[sim-small] Summarise section ${nodeId.slice(1)} of the quarterly report in three sentences.`);
  const rand = prng(opts.seed ?? 1);
  let t = opts.t0 ?? Date.UTC(2026, 0, 1);
  const drafts: SignalDraft[] = [];
  const at = () => {
    t += step;
    return new Date(t).toISOString();
  };
  drafts.push(
    makeSignal('run.started', { runId, at: at(), ladder: defaultLadder, dagId: opts.dagId ?? 'bench' }),
  );
  for (const nodeId of ids)
    drafts.push(makeSignal('node.queued', { runId, at: at(), nodeId, attempt: 1, label: nodeId, tier: 0 }));
  for (let start = 0; start < ids.length; start += slots) {
    const group = ids.slice(start, start + slots);
    for (const nodeId of group)
      drafts.push(
        makeSignal('node.started', { runId, at: at(), nodeId, attempt: 1, tier: 0, model: 'sim-small' }),
      );
    for (let d = 0; d < deltas; d++)
      for (const nodeId of group)
        drafts.push(
          makeSignal('node.output_delta', {
            runId,
            at: at(),
            nodeId,
            attempt: 1,
            text: `chunk ${d} of the answer… `,
          }),
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
          output: output(nodeId),
          elapsedMs: 400 + Math.floor(rand() * 300),
          usage: { inputTokens, outputTokens, costUsd },
        }),
      );
    }
  }
  drafts.push(makeSignal('run.succeeded', { runId, at: at() }));
  return drafts.map((d, i) => withSeq(d, i + 1) as Signal);
};
