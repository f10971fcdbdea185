// A run's default start tier and the start-tier policy's settings, through the real server: the
// tier a run is started with holds for its nodes, also once the run resumes in a new process; a bad
// one is a 400 naming the field; the policy's settings change when it chooses and how history decays.
import { type DagEconomics, defaultLadder, type Signal } from '@laneflow/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import {
  allSignals,
  approvalDag,
  backends,
  client,
  llm,
  removeTempDirs,
  storageFor,
  tok,
  tokensEnv,
  waitForRunEnd,
  waitForSignal,
} from './helpers.ts';

afterAll(removeTempDirs);

const boot = async (
  storage: { dataDir: string; databaseUrl?: string },
  policy?: { minRuns?: number; explore?: number; halfLifeRuns?: number },
) => {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    ...storage,
    ladder: defaultLadder,
    corsOrigins: [],
    maxBodyBytes: 1_048_576,
    tokensEnv,
    loadExamples: false,
    ...(policy && { policy }),
  });
  return { server, call: client(server.url) };
};

const queuedTier = (signals: Signal[], nodeId: string) =>
  signals.find((s) => s.type === 'node.queued' && s.nodeId === nodeId) as
    | Extract<Signal, { type: 'node.queued' }>
    | undefined;

describe.each(backends)('a run default start tier on %s', (backend) => {
  it('starts the nodes there, also those queued after a restart; a bad tier is a 400 naming it', async () => {
    const storage = await storageFor(backend, `starttier_${backend}`);
    const first = await boot(storage);
    let runId: string;
    try {
      for (const [startTier, why] of [
        ['huge', /model tier/],
        ['human', /model tier/],
        [7, /model tier/],
        ['', /startTier/],
        [{ tier: 1 }, /startTier/],
      ] as const) {
        const r = await first.call('POST', '/api/runs', { body: { dag: approvalDag('st'), startTier } });
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect(r.body.error.issues.map((i: { path: string }) => i.path)).toContain('startTier');
        expect(r.body.error.message).toMatch(why);
      }
      expect((await first.call('GET', '/api/runs')).body.runs).toEqual([]);

      const r = await first.call('POST', '/api/runs', {
        body: { dag: approvalDag('st'), startTier: 'medium' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      runId = r.body.runId;
      await waitForSignal(first.call, runId, (s) => s.type === 'node.awaiting_approval', 'the approval');
      expect(queuedTier(await allSignals(first.call, runId), 'a')?.tier).toBe(1);
    } finally {
      await first.server.close();
    }

    // A new process resumes the run from the store: the node it had not queued starts at medium too.
    const second = await boot(storage);
    try {
      const waiting = (await allSignals(second.call, runId)).find((s) => s.type === 'node.awaiting_approval');
      const decided = await second.call(
        'POST',
        `/api/runs/${runId}/approvals/${encodeURIComponent((waiting as { approvalId: string }).approvalId)}`,
        { body: { decision: 'approved' }, token: tok.approver },
      );
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
      expect((await waitForRunEnd(second.call, runId)).run.status).toBe('succeeded');
      const signals = await allSignals(second.call, runId);
      expect(queuedTier(signals, 'b')).toMatchObject({ tier: 1 });
      // A node's own startTier wins over the run's.
      const own = await second.call('POST', '/api/runs', {
        body: {
          dag: { id: 'own', nodes: [llm('x', {}, { startTier: 'small' }), llm('y')], edges: [] },
          startTier: 'large',
        },
      });
      expect(own.status).toBe(201);
      await waitForRunEnd(second.call, own.body.runId);
      const ownSignals = await allSignals(second.call, own.body.runId);
      expect([queuedTier(ownSignals, 'x')?.tier, queuedTier(ownSignals, 'y')?.tier]).toEqual([0, 2]);
    } finally {
      await second.server.close();
    }
  });
});

describe('the start-tier policy settings', () => {
  it('are read from LANEFLOW_POLICY_*, and a bad one names its variable', () => {
    expect(readConfig([], {}).policy).toEqual({});
    expect(
      readConfig([], {
        LANEFLOW_POLICY_HALF_LIFE_RUNS: '2.5',
        LANEFLOW_POLICY_MIN_RUNS: '0',
        LANEFLOW_POLICY_EXPLORE: '0.25',
        LANEFLOW_POLICY_SAMPLED_RUNS: '3.5',
      }).policy,
    ).toEqual({ halfLifeRuns: 2.5, minRuns: 0, explore: 0.25, sampledRuns: 3.5 });
    for (const [name, value] of [
      ['LANEFLOW_POLICY_HALF_LIFE_RUNS', '0'],
      ['LANEFLOW_POLICY_HALF_LIFE_RUNS', 'soon'],
      ['LANEFLOW_POLICY_MIN_RUNS', '2.5'],
      ['LANEFLOW_POLICY_MIN_RUNS', '-1'],
      ['LANEFLOW_POLICY_EXPLORE', '1.5'],
      ['LANEFLOW_POLICY_EXPLORE', 'NaN'],
      ['LANEFLOW_POLICY_SAMPLED_RUNS', '-1'],
    ] as const)
      expect(() => readConfig([], { [name]: value }), `${name}=${value}`).toThrow(
        new RegExp(`^${name} "${value}" is not`),
      );
  });

  it('decide when the policy chooses and how fast history fades (run-level "auto")', async () => {
    const storage = await storageFor('pglite', 'policy_settings');
    const { server, call } = await boot(storage, { minRuns: 1, explore: 0, halfLifeRuns: 1 });
    try {
      const dag = {
        id: 'settings',
        nodes: [
          llm(
            'hard',
            { confidence: 0.95, tiers: { small: { confidence: 0.3 } } },
            { gate: { target: 0.9, maxTries: 1 } },
          ),
        ],
        edges: [],
      };
      expect((await call('POST', '/api/dags', { body: dag })).status).toBe(201);
      const reasons = [];
      for (let i = 0; i < 3; i++) {
        const r = await call('POST', '/api/runs', { body: { dagId: 'settings', startTier: 'auto' } });
        expect(r.status).toBe(201);
        await waitForRunEnd(call, r.body.runId);
        reasons.push(queuedTier(await allSignals(call, r.body.runId), 'hard')?.tierReason);
      }
      // One run of history is enough (minRuns 1); it never explores (explore 0).
      expect(reasons[0]).toMatchObject({ cold: true, runs: 0, minRuns: 1 });
      expect(reasons[1]).toMatchObject({ cold: false, runs: 1, explored: false });
      expect(reasons[2]).toMatchObject({ cold: false, runs: 2, explored: false });
      // Half-life 1 run: three runs weigh 1/4 + 1/2 + 1.
      const econ = (await call('GET', '/api/dags/settings/economics')).body as DagEconomics;
      expect(econ.nodes[0]).toMatchObject({ totalRuns: 3 });
      expect(econ.nodes[0]?.runs).toBeCloseTo(1.75, 6);
    } finally {
      await server.close();
    }
  });
});
