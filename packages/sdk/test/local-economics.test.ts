/**
 * A browser's node history: every finished local run is folded into its DAG's history once, the
 * history is what a node starting at "auto" reads in the next run (also after a reload), and
 * `economics()` answers the same shape as the server, built by core from the same fold.
 */
import {
  type DagSpecInput,
  dagEconomics,
  defaultLadder,
  foldHistory,
  observeRun,
  type RunCost,
  type RunObservation,
  type Signal,
  type TierHistory,
} from '@laneflow/core';
import { describe, expect, it } from 'vitest';
import { createLocalTransport, createMemoryStore, type LocalStore, type RunTransport } from '../src/index.ts';
import { collect, isType, sleep, uniqueId } from './fixtures.ts';

/** `hard` never passes the gate at small (a long, dear answer there) and always at medium. */
const autoDag = (id = uniqueId('auto')): DagSpecInput => ({
  id,
  name: 'Learns its start',
  nodes: [
    {
      id: 'hard',
      kind: 'llm',
      prompt: 'prove it',
      startTier: 'auto',
      gate: { target: 0.9, maxTries: 1 },
      sim: {
        answer: 'H',
        confidence: 0.95,
        tokens: { input: 1000, output: 500 },
        tiers: { small: { confidence: 0.3, tokens: { input: 20_000, output: 5000 } } },
      },
    },
  ],
  edges: [],
});

const runToEnd = async (t: RunTransport, dagId: string): Promise<Signal[]> => {
  const { runId } = await t.startRun({ dagId });
  return collect(t.watch(runId)).done;
};

/** The history is folded just after the run's result: wait until the run's cost is in. */
const economicsWith = async (t: RunTransport, dagId: string, runs: number) => {
  for (let i = 0; i < 500; i++) {
    const e = await t.economics(dagId).catch(() => undefined);
    if (e && e.runs.length >= runs) return e;
    await sleep(10);
  }
  throw new Error(`the economics of ${dagId} never had ${runs} runs`);
};

const startTier = (signals: Signal[]) => signals.find(isType('node.queued'))?.tier;

describe('the local node history', () => {
  it('moves an auto node to the tier its history favours; economics equals core’s fold of the runs', async () => {
    const store = createMemoryStore();
    const transport = createLocalTransport({ store, tierPolicy: { explore: 0 } });
    const spec = autoDag();
    await transport.saveDag(spec);
    await expect(transport.economics('nope')).rejects.toMatchObject({ status: 404 });
    expect((await transport.economics(spec.id)).runs).toEqual([]);

    const runs: Signal[][] = [];
    for (let i = 0; i < 6; i++) {
      runs.push(await runToEnd(transport, spec.id));
      await economicsWith(transport, spec.id, i + 1);
    }
    // Five runs of history on the cascade (the policy's minimum), then it starts at medium.
    expect(runs.map(startTier)).toEqual([0, 0, 0, 0, 0, 1]);
    const queued = runs[5]?.find(isType('node.queued'));
    expect(queued?.tierReason).toMatchObject({ cold: false, chosen: 1, configured: 0 });

    const dag = (await transport.getDag(spec.id)).spec;
    const observed = runs.map((s) => observeRun(dag, s) as RunObservation);
    const history = observed.reduce<TierHistory>((h, o) => foldHistory(h, o), {});
    const costs: RunCost[] = observed.map(
      ({ runId, endedAt, status, costUsd, costByTier, topTierCostUsd, policySavingUsd }) => ({
        runId,
        endedAt,
        status,
        costUsd,
        costByTier,
        topTierCostUsd,
        policySavingUsd,
      }),
    );
    const economics = await transport.economics(spec.id);
    expect(economics).toEqual(
      dagEconomics(
        spec.id,
        history,
        costs,
        defaultLadder.map((t) => t.name),
      ),
    );
    expect(economics.nodes[0]).toMatchObject({ nodeId: 'hard', totalRuns: 6 });
    expect(economics.nodes[0]?.tiers.find((t) => t.tier === 'small')).toMatchObject({ passRate: 0 });
    expect(economics.runs[5]?.policySavingUsd).toBeGreaterThan(0);
    expect((await transport.economics(spec.id, 2)).runs.map((r) => r.runId)).toEqual(
      costs.slice(-2).map((r) => r.runId),
    );

    // Another engine on the same store (a reload): the history is there, and no run counts twice.
    const reloaded = createLocalTransport({ store, tierPolicy: { explore: 0 } });
    expect(await reloaded.economics(spec.id)).toEqual(economics);
    expect(startTier(await runToEnd(reloaded, spec.id))).toBe(1);
    expect((await economicsWith(reloaded, spec.id, 7)).nodes[0]?.totalRuns).toBe(7);
  });

  it('a run that ended before it was added to the history is added by the next engine, once', async () => {
    const inner = createMemoryStore();
    // The page closed between the run's last commit and its fold.
    const closing: LocalStore = { ...inner, observeRun: async () => {} };
    const first = createLocalTransport({ store: closing });
    const spec = autoDag();
    await first.saveDag(spec);
    await runToEnd(first, spec.id);
    await sleep(50);
    expect((await first.economics(spec.id)).runs).toEqual([]);

    const next = createLocalTransport({ store: inner });
    expect((await economicsWith(next, spec.id, 1)).nodes[0]?.totalRuns).toBe(1);
    const again = createLocalTransport({ store: inner });
    await again.listRuns();
    await sleep(50);
    expect((await again.economics(spec.id)).runs).toHaveLength(1);
  });
});

describe('a local run default start tier', () => {
  it('starts nodes without their own startTier there, "auto" included; a malformed one is a 400', async () => {
    const transport = createLocalTransport({ store: createMemoryStore() });
    const dag: DagSpecInput = {
      id: uniqueId('run-tier'),
      nodes: [{ id: 'a', kind: 'llm', prompt: 'x' }],
      edges: [],
    };
    const { runId } = await transport.startRun({ dag, startTier: 'medium' });
    expect(startTier((await collect(transport.watch(runId)).done) as Signal[])).toBe(1);
    const auto = await transport.startRun({ dag, startTier: 'auto' });
    const queued = (await collect(transport.watch(auto.runId)).done).find(isType('node.queued'));
    expect(queued?.tierReason).toMatchObject({ cold: true });
    await expect(transport.startRun({ dag, startTier: '' })).rejects.toMatchObject({
      status: 400,
      issues: [{ path: 'startTier' }],
    });
  });
});
