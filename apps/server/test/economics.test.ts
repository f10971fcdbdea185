// The start-tier policy through the real server: node history is kept as runs end, a node with
// startTier "auto" moves to the tier its history favours after a restart, and the DAG's economics
// answer per node and tier and per run.
import { type DagEconomics, defaultLadder, type Signal } from '@laneflow/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server.ts';
import {
  allSignals,
  backends,
  client,
  removeTempDirs,
  storageFor,
  tokensEnv,
  waitForRunEnd,
} from './helpers.ts';

afterAll(removeTempDirs);

/** `hard` never passes the gate at small (a long answer there costs it nearly medium's price). */
const dag = {
  id: 'econ',
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
    { id: 'note', kind: 'llm', prompt: 'note {{hard}}', sim: { answer: 'N', confidence: 0.95 } },
  ],
  edges: [{ source: 'hard', target: 'note' }],
};

const boot = async (storage: { dataDir: string; databaseUrl?: string }) => {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    ...storage,
    ladder: defaultLadder,
    corsOrigins: [],
    maxBodyBytes: 1_048_576,
    tokensEnv,
    loadExamples: false,
  });
  return { server, call: client(server.url) };
};

const hardQueued = (signals: Signal[]) =>
  signals.find((s) => s.type === 'node.queued' && s.nodeId === 'hard') as Extract<
    Signal,
    { type: 'node.queued' }
  >;

describe.each(backends)('the start-tier policy on %s', (backend) => {
  it('moves an auto node to the tier its history favours across a restart, with its reason', async () => {
    const storage = await storageFor(backend, `econ_${backend}`);
    const first = await boot(storage);
    const run = async (call: typeof first.call) => {
      const r = await call('POST', '/api/runs', { body: { dagId: 'econ' } });
      expect(r.status).toBe(201);
      await waitForRunEnd(call, r.body.runId);
      return allSignals(call, r.body.runId);
    };
    try {
      expect((await first.call('POST', '/api/dags', { body: dag })).status).toBe(201);
      for (let i = 0; i < 5; i++) {
        const signals = await run(first.call);
        expect(hardQueued(signals)).toMatchObject({ tier: 0, tierReason: { cold: true, runs: i } });
      }
      const econ = await first.call('GET', '/api/dags/econ/economics');
      expect(econ.status).toBe(200);
      const body = econ.body as DagEconomics;
      expect(body.tiers).toEqual(['small', 'medium', 'large', 'human']);
      const hard = body.nodes.find((n) => n.nodeId === 'hard');
      expect(hard).toMatchObject({ totalRuns: 5 });
      expect(hard?.tiers.map((t) => t.tier)).toEqual(['small', 'medium']);
      expect(hard?.tiers[0]).toMatchObject({
        passRate: 0,
        escalationRate: 1,
        triggers: { low_confidence: expect.any(Number) },
      });
      expect(hard?.tiers[1]).toMatchObject({ passRate: 1, escalationRate: 0 });
      expect(body.runs).toHaveLength(5);
      for (const r of body.runs) {
        expect(Object.keys(r.costByTier).sort()).toEqual(['medium', 'small']);
        expect(r.topTierCostUsd).toBeGreaterThan(r.costUsd);
      }
      expect((await first.call('GET', '/api/dags/econ/economics?runs=2')).body.runs).toEqual(
        body.runs.slice(3),
      );
    } finally {
      await first.server.close();
    }

    // A new process on the same storage reads the history the first one kept.
    const second = await boot(storage);
    try {
      const signals = await run(second.call);
      const queued = hardQueued(signals);
      expect(queued.tierReason).toMatchObject({
        policy: 'expected-cost',
        configured: 0,
        best: 1,
        cold: false,
        runs: 5,
      });
      const econ = (await second.call('GET', '/api/dags/econ/economics')).body as DagEconomics;
      expect(econ.runs).toHaveLength(6);
      // Exploration only tries a cheaper tier that has had no recent run; small has had five.
      expect(queued).toMatchObject({ tier: 1, tierReason: { chosen: 1, explored: false } });
      expect(signals.some((s) => s.type === 'node.escalated')).toBe(false);
      expect(econ.runs.at(-1)?.policySavingUsd).toBeGreaterThan(0);
      // Small now only pays for `note`.
      expect(econ.runs.at(-1)?.costByTier.small).toBeLessThan(econ.runs[0]?.costByTier.small as number);
    } finally {
      await second.server.close();
    }
  });
});
