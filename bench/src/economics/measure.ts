import {
  createVirtualClock,
  type DagSpecInput,
  DagSpecSchema,
  type NodeView,
  type RunOptions,
  type RunView,
  type Signal,
  startRun,
} from '@laneflow/core';
import { createBenchProvider, stream } from './provider.ts';
import { type GateNoise, gateNoise, suite } from './suite.ts';

/** What one node of one run came to: its whole escalation chain. */
export interface NodeOutcome {
  id: string;
  startTier: number;
  /** With `startTier: "auto"`: the tier of lowest expected cost, and whether the start explored below it. */
  policy?: { best: number; explored: boolean; cold: boolean; expectedUsd: number };
  /** The tier whose answer the node delivered (or the last one tried). */
  endTier: number;
  costUsd: number;
  /** An answer passed the gate. */
  delivered: boolean;
  /** The delivered answer is correct. */
  correct: boolean;
  latencyMs: number;
}

export interface RunOutcome {
  run: number;
  costUsd: number;
  latencyMs: number;
  nodes: NodeOutcome[];
  signals: readonly Signal[];
}

const ms = (iso: string | undefined): number => (iso === undefined ? Number.NaN : Date.parse(iso));

const chainOf = (view: RunView, rootId: string): NodeView[] => {
  const chain: NodeView[] = [];
  for (let node = view.nodes.get(rootId); node; ) {
    chain.push(node);
    const next: string | undefined = node.escalation?.childId;
    node = next === undefined ? undefined : view.nodes.get(next);
  }
  return chain;
};

const outcomeOf = (view: RunView, rootId: string): NodeOutcome => {
  const chain = chainOf(view, rootId);
  const first = chain[0] as NodeView;
  const last = chain[chain.length - 1] as NodeView;
  const delivered = last.lane === 'succeeded';
  const reason = first.tierReason;
  return {
    id: rootId,
    startTier: first.tier,
    ...(reason && {
      policy: {
        best: reason.best,
        explored: reason.explored,
        cold: reason.cold,
        expectedUsd: reason.expectedCostUsd[String(reason.chosen)] ?? Number.NaN,
      },
    }),
    endTier: last.tier,
    costUsd: chain.reduce((sum, n) => sum + n.usage.costUsd, 0),
    delivered,
    correct: delivered && (last.output as { correct?: boolean } | undefined)?.correct === true,
    latencyMs: ms(last.endedAt) - ms(first.queuedAt ?? first.startedAt),
  };
};

/** Runs the suite's DAG once through the executor, on virtual time, with run `run`'s questions. */
export const runOnce = async (
  seed: number,
  run: number,
  dag: DagSpecInput,
  extra: Partial<RunOptions> = {},
  noise: GateNoise = gateNoise,
): Promise<RunOutcome> => {
  const clock = createVirtualClock();
  try {
    const handle = startRun(DagSpecSchema.parse(dag), {
      runId: `economics-${run}`,
      clock,
      providers: { bench: createBenchProvider(seed, run, noise) },
      // The policy's exploration draws from it too; seeded, so a run repeats exactly.
      random: stream(`${seed}/${run}/random`),
      ...extra,
    });
    await handle.result;
    const view = handle.view;
    return {
      run,
      costUsd: view.usage.costUsd,
      latencyMs: ms(view.endedAt) - ms(view.startedAt),
      nodes: suite.map((n) => outcomeOf(view, n.id)),
      signals: handle.signals,
    };
  } finally {
    clock.stop();
  }
};
