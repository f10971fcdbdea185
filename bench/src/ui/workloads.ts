/**
 * The DAGs the UI bench drives (all sim LLM nodes, positions set so the dashboard never lays out).
 */
import type { DagSpec, Signal } from '@laneflow/core';
import { prng } from '../prng.ts';
import { runSignals } from '../run-signals.ts';

const COL = 300;
const ROW = 90;

/**
 * `layers` × `width` LLM nodes: node (k, j) depends on (k-1, j) — `width` chains of `layers` — so
 * every layer is wide. With `gate`, an approval node `go` precedes the first layer: the run is
 * quiescent until the bench approves it, so the page is open and measuring before signals flow.
 */
export const layeredDag = (o: {
  id: string;
  layers: number;
  width: number;
  latencyMs: [number, number];
  /** Characters of the sim answer; streamed as `node.output_delta` chunks of 24. */
  answerChars: number;
  gate?: boolean;
  seed?: number;
}): DagSpec => {
  const rand = prng(o.seed ?? 7);
  const [lo, hi] = o.latencyMs;
  const answer = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '
    .repeat(Math.ceil(o.answerChars / 57) + 1)
    .slice(0, o.answerChars);
  const nodes: unknown[] = [];
  const edges: Array<{ id: string; source: string; target: string }> = [];
  if (o.gate)
    nodes.push({
      id: 'go',
      kind: 'approval',
      prompt: 'Start the bench?',
      payload: { ok: true },
      position: { x: -COL, y: ((o.width - 1) * ROW) / 2 },
    });
  for (let k = 0; k < o.layers; k++)
    for (let j = 0; j < o.width; j++) {
      const id = `n${k}_${j}`;
      nodes.push({
        id,
        kind: 'llm',
        label: `node ${k}.${j}`,
        prompt: `Summarise part ${j} of layer ${k}.`,
        position: { x: k * COL, y: j * ROW },
        sim: {
          latencyMs: lo + Math.floor(rand() * (hi - lo + 1)),
          ...(o.answerChars > 0 && { answer, stream: true }),
        },
      });
      if (k > 0) edges.push({ id: `e${k}_${j}`, source: `n${k - 1}_${j}`, target: id });
      else if (o.gate) edges.push({ id: `g${j}`, source: 'go', target: id });
    }
  return { id: o.id, name: o.id, nodes, edges } as unknown as DagSpec;
};

/**
 * The signals of a finished run of `dag` (every node: queued, started, `deltas` output deltas,
 * usage, succeeded, in 8 interleaved slots), timestamps spread `stepMs` apart. Stored directly with
 * `store.appendSignals`, so a ~50,000-signal run exists without minutes of execution.
 */
export const finishedRunSignals = (runId: string, dag: DagSpec, deltas: number, stepMs = 1): Signal[] =>
  runSignals(
    runId,
    dag.nodes.map((n) => n.id),
    {
      dagId: dag.id,
      deltas,
      stepMs,
      seed: 3,
      output: () => `chunk 0 of the answer… (${deltas} chunks)`,
    },
  );
