// GET /metrics on the real server: Prometheus text that a Prometheus parser reads, counters that move
// as a run escalates, waits for a person and ends, and the endpoint's roles (never anonymous).
import parse, { type Family } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokenEnv } from '../src/auth.ts';
import {
  allSignals,
  approvalNode,
  edge,
  llm,
  removeTempDirs,
  startTestServer,
  type TestServer,
  tok,
  waitFor,
  waitForRunEnd,
} from './helpers.ts';

afterAll(removeTempDirs);

const dag = {
  id: 'metered',
  nodes: [
    llm(
      'a',
      { tiers: { '0': { confidence: 0.2 }, '1': { confidence: 0.95 } } },
      { gate: { target: 0.8, maxTries: 1 } },
    ),
    approvalNode('gate'),
  ],
  edges: [edge('a', 'gate')],
};

/** One sample's value: the family's metric whose labels include `labels`. */
const sample = (families: Family[], name: string, labels: Record<string, string> = {}): number => {
  const family = families.find((f) => f.name === name);
  const m = family?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  // A histogram's count is its +Inf bucket (the parser keeps no labels on histogram samples).
  return Number(m?.value ?? m?.buckets?.['+Inf'] ?? 0);
};

describe('GET /metrics', () => {
  let srv: TestServer;
  let metricsToken: string;
  beforeAll(async () => {
    srv = await startTestServer('pglite', 'metrics', { heartbeatMs: 300 });
    const created = await srv.call('POST', '/api/tokens', { body: { name: 'prometheus', role: 'metrics' } });
    expect(created.status).toBe(201);
    metricsToken = created.body.token;
  });
  afterAll(() => srv?.close());

  const scrape = async (token: string | null) => {
    const res = await fetch(
      `${srv.url}/metrics`,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it('is for an admin or a metrics token only', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('not-a-token')).status).toBe(401);
    for (const role of ['viewer', 'operator', 'approver'] as const)
      expect((await scrape(tok[role])).status).toBe(403);
    expect((await scrape(tok.admin)).status).toBe(200);
    const ok = await scrape(metricsToken);
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
    // A metrics token reads nothing else.
    expect((await srv.call('GET', '/api/runs', { token: metricsToken })).status).toBe(403);
    expect((await srv.call('GET', '/api/me', { token: metricsToken })).status).toBe(403);
    // Also from LANEFLOW_TOKENS.
    expect(parseTokenEnv('prom:metrics:abc')).toEqual([{ name: 'prom', role: 'metrics', token: 'abc' }]);
    // The API document says who may call it.
    const doc = await srv.call('GET', '/api/openapi.json');
    expect(doc.body.paths['/metrics'].get['x-laneflow-role']).toBe('metrics');
  });

  it('moves its counters as a run escalates, waits for a person and ends', async () => {
    const before = parse((await scrape(metricsToken)).text);
    const runId = (await srv.call('POST', '/api/runs', { body: { dag } })).body.runId as string;
    const asked = await waitFor(
      async () => (await allSignals(srv.call, runId)).find((s) => s.type === 'node.awaiting_approval'),
      'the approval',
    );
    const waiting = parse((await scrape(metricsToken)).text);
    expect(sample(waiting, 'laneflow_approvals_waiting')).toBe(
      sample(before, 'laneflow_approvals_waiting') + 1,
    );
    expect(sample(waiting, 'laneflow_runs_active')).toBeGreaterThanOrEqual(1);
    if (asked.type !== 'node.awaiting_approval') throw new Error('not an approval');
    await srv.call('POST', `/api/runs/${runId}/approvals/${encodeURIComponent(asked.approvalId)}`, {
      body: { decision: 'approved' },
    });
    await waitForRunEnd(srv.call, runId);

    const after = parse((await scrape(tok.admin)).text);
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(moved('laneflow_runs_started_total')).toBe(1);
    expect(moved('laneflow_runs_finished_total', { status: 'succeeded' })).toBe(1);
    expect(moved('laneflow_escalations_total', { trigger: 'low_confidence', route: 'higher_tier' })).toBe(1);
    expect(moved('laneflow_node_terminal_total', { lane: 'escalated' })).toBe(1);
    expect(moved('laneflow_node_terminal_total', { lane: 'succeeded' })).toBe(2);
    expect(moved('laneflow_gate_rounds_total', { passed: 'false' })).toBe(1);
    expect(moved('laneflow_gate_rounds_total', { passed: 'true' })).toBe(1);
    expect(moved('laneflow_gate_outcomes_total', { outcome: 'escalated' })).toBe(1);
    expect(moved('laneflow_gate_outcomes_total', { outcome: 'passed' })).toBe(1);
    expect(moved('laneflow_approval_wait_seconds')).toBe(1);
    expect(moved('laneflow_model_calls_total', { tier: '0', model: 'sim-small' })).toBeGreaterThan(0);
    expect(moved('laneflow_model_calls_total', { tier: '1', model: 'sim-medium' })).toBeGreaterThan(0);
    expect(moved('laneflow_model_tokens_total', { tier: '1', direction: 'output' })).toBeGreaterThan(0);
    expect(moved('laneflow_model_cost_usd_total', { tier: '1' })).toBeGreaterThan(0);
    expect(moved('laneflow_commit_batch_signals')).toBeGreaterThan(0);
    expect(moved('laneflow_commit_seconds')).toBeGreaterThan(0);
    expect(sample(after, 'laneflow_approvals_waiting')).toBe(sample(before, 'laneflow_approvals_waiting'));
    expect(after.find((f) => f.name === 'laneflow_commit_seconds')?.type).toBe('HISTOGRAM');
  });

  it('counts open event streams', async () => {
    const runId = (await srv.call('POST', '/api/runs', { body: { dag } })).body.runId as string;
    const abort = new AbortController();
    const res = await fetch(`${srv.url}/api/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${tok.viewer}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    await waitFor(
      async () => sample(parse((await scrape(metricsToken)).text), 'laneflow_sse_clients') === 1,
      'the stream to count',
    );
    abort.abort();
    await waitFor(
      async () => sample(parse((await scrape(metricsToken)).text), 'laneflow_sse_clients') === 0,
      'the stream to close',
    );
    await srv.call('POST', `/api/runs/${runId}/cancel`, { body: {} });
  });
});
