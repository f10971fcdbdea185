/**
 * Realistic run workloads for the server bench: the DAG a run row carries (its signal stream is
 * ../run-signals.ts), how a log would batch it, and a median.
 */
import type { DagSpec } from '@laneflow/core';

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
