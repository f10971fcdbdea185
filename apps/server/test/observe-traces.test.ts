// Runs as OpenTelemetry traces and the server's JSON log lines, through the real server as a child
// process exporting OTLP/HTTP to a receiver in this test: the span tree of a run that escalates and
// waits for a human, GenAI attributes on model calls, then one trace for a run whose server is killed
// with SIGKILL mid-run and restarted on the same store; and spans still queued when the server is
// stopped with SIGTERM are exported before it exits.
import { randomBytes } from 'node:crypto';
import type { Signal } from '@laneflow/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildServer, childEnv, spawnServer } from './child-server.ts';
import {
  allSignals,
  approvalNode,
  client,
  edge,
  llm,
  openEvents,
  quickDag,
  removeTempDirs,
  storageFor,
  waitFor,
  waitForRunEnd,
} from './helpers.ts';
import { type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.ts';

afterAll(removeTempDirs);

/** `a` rates itself too low at the small tier and escalates; a person approves; then `done`. */
const escalatingDag = {
  id: 'esc',
  nodes: [
    llm(
      'a',
      { tiers: { '0': { confidence: 0.2 }, '1': { confidence: 0.95 } } },
      { gate: { target: 0.8, maxTries: 1 } },
    ),
    approvalNode('gate'),
    llm('done'),
  ],
  edges: [edge('a', 'gate'), edge('gate', 'done')],
};
/** `q` finishes at once, `slow` takes seconds: long enough to kill the server inside it. */
const slowDag = {
  id: 'slow-run',
  nodes: [llm('q'), llm('slow', { latencyMs: 3000 })],
  edges: [edge('q', 'slow')],
};

const ofRun = (spans: ReceivedSpan[], runId: string) =>
  spans.filter((s) => s.attributes['laneflow.run.id'] === runId);
const node = (spans: ReceivedSpan[], nodeId: string, attempt = 1) =>
  spans.find((s) => s.name === `node ${nodeId}` && s.attributes['laneflow.attempt'] === attempt);

describe('traces and logs', () => {
  const children: ChildServer[] = [];
  afterAll(async () => {
    for (const c of children) await c.stop('SIGKILL');
  });

  it('exports one trace per run, even across a SIGKILL, and logs JSON lines without secrets', {
    timeout: 120_000,
  }, async () => {
    const receiver = await startOtlpReceiver();
    const admin = `lf_admin_${randomBytes(12).toString('hex')}`;
    const apiKey = `sk-test-${randomBytes(12).toString('hex')}`;
    const storage = await storageFor('pglite', 'observe');
    const start = async () => {
      const c = await spawnServer({
        args: ['--host', '127.0.0.1', '--port', '0', '--data-dir', storage.dataDir, '--no-examples'],
        env: childEnv({
          LANEFLOW_TOKENS: `root:admin:${admin}`,
          // The default protocol, OTLP/HTTP protobuf.
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          OTEL_SERVICE_NAME: 'laneflow-under-test',
          OTEL_BSP_SCHEDULE_DELAY: '50',
          OPENAI_API_KEY: apiKey,
        }),
      });
      children.push(c);
      return c;
    };
    try {
      // ---- a run that escalates and waits for a person ---------------------------------------------
      const first = await start();
      let call = client(first.url, admin);
      const esc = (await call('POST', '/api/runs', { body: { dag: escalatingDag } })).body.runId as string;
      const asked = (await waitFor(
        async () => (await allSignals(call, esc)).find((s) => s.type === 'node.awaiting_approval'),
        'the approval',
      )) as Extract<Signal, { type: 'node.awaiting_approval' }>;
      await call('POST', `/api/runs/${esc}/approvals/${encodeURIComponent(asked.approvalId)}`, {
        body: { decision: 'approved' },
      });
      expect((await waitForRunEnd(call, esc)).run.status).toBe('succeeded');
      // The event stream with its token in the query: the token reaches neither a span nor the log.
      const stream = await openEvents(first.url, esc, { token: admin, queryToken: true });
      expect(stream.status).toBe(200);
      expect(await stream.text()).toContain('event: end');
      // A refused request with a token that must not reach the log.
      expect((await call('GET', '/api/runs', { token: 'lf_not_a_real_token_123' })).status).toBe(401);
      const spans = await waitFor(() => {
        const s = ofRun(receiver.spans, esc);
        return s.some((x) => x.name === 'run esc') && s;
      }, 'the run span');

      expect([...receiver.contentTypes]).toEqual(['application/x-protobuf']);
      const root = spans.find((s) => s.name === 'run esc') as ReceivedSpan;
      expect(root.parentSpanId).toBeUndefined();
      expect(root.resource['service.name']).toBe('laneflow-under-test');
      expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root.traceId]));
      // Every node attempt is a child of the run; every model call a child of its attempt.
      const a = node(spans, 'a') as ReceivedSpan;
      const child = node(spans, 'a@t1') as ReceivedSpan;
      const gate = node(spans, 'gate') as ReceivedSpan;
      for (const n of [a, child, gate, node(spans, 'done')]) expect(n?.parentSpanId).toBe(root.spanId);
      expect(a.attributes).toMatchObject({
        'laneflow.node.id': 'a',
        'laneflow.tier': 0,
        'laneflow.lane': 'escalated',
        'laneflow.dag.id': 'esc',
      });
      const calls = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
      expect(calls.length).toBeGreaterThanOrEqual(4);
      for (const c of calls) {
        expect(c.kind).toBe(3); // SPAN_KIND_CLIENT
        expect(c.name).toBe(`chat ${c.attributes['gen_ai.request.model']}`);
        expect(c.attributes['gen_ai.provider.name']).toBe('sim');
        expect(c.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
        expect(c.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
        expect([a.spanId, child.spanId, node(spans, 'done')?.spanId]).toContain(c.parentSpanId);
      }
      expect(
        calls.filter((c) => c.parentSpanId === child.spanId)[0]?.attributes['gen_ai.request.model'],
      ).toBe('sim-medium');
      // The gate's rating and the escalation are events of `a`; the escalation child links back to it.
      expect(a.events.map((e) => e.name)).toEqual(
        expect.arrayContaining(['gate.rated', 'gate.escalated', 'escalated']),
      );
      expect(a.events.find((e) => e.name === 'escalated')?.attributes).toMatchObject({
        'laneflow.escalation.route': 'higher_tier',
        'laneflow.escalation.trigger': 'low_confidence',
        'laneflow.escalation.child_id': 'a@t1',
      });
      expect(child.links).toEqual([
        { traceId: root.traceId, spanId: a.spanId, attributes: { 'laneflow.link': 'escalation' } },
      ]);
      expect(gate.events.map((e) => e.name)).toEqual(
        expect.arrayContaining(['approval.waiting', 'approval.decided']),
      );
      // The API's own HTTP server spans are exported too (their own traces), without tokens.
      const eventsSpan = await waitFor(
        () => receiver.spans.find((s) => String(s.attributes['url.full'] ?? '').includes('/events?')),
        'the event stream span',
      );
      expect(eventsSpan.attributes['url.full']).toContain('access_token=[redacted]');
      for (const s of receiver.spans) expect(JSON.stringify(s.attributes)).not.toContain(admin);
      expect(receiver.spans.some((s) => s.kind === 2 && s.attributes['http.request.method'] === 'POST')).toBe(
        true,
      );

      // ---- a run whose server dies mid-node ---------------------------------------------------------
      const slow = (await call('POST', '/api/runs', { body: { dag: slowDag } })).body.runId as string;
      await waitFor(
        () => ofRun(receiver.spans, slow).some((s) => s.name === 'node q'),
        'the spans before the kill',
      );
      expect(
        (await allSignals(call, slow)).some((s) => s.type === 'node.succeeded' && s.nodeId === 'slow'),
      ).toBe(false);
      first.proc.kill('SIGKILL');
      await first.exited;

      const second = await start();
      call = client(second.url, admin);
      expect((await waitForRunEnd(call, slow, 60_000)).run.status).toBe('succeeded');
      const after = await waitFor(() => {
        const s = ofRun(receiver.spans, slow);
        return s.some((x) => x.name === 'run slow-run') && s;
      }, 'the resumed run span');
      const signals = await allSignals(call, slow);
      const run = after.filter((s) => s.name === 'run slow-run');
      expect(run).toHaveLength(1);
      expect(new Set(after.map((s) => s.traceId))).toEqual(new Set([run[0]?.traceId]));
      // The run span began before the kill and ended after it, under the ids it started with.
      expect(run[0]?.start).toBe(BigInt(Date.parse(signals[0]?.at as string)) * 1_000_000n);
      const ids = new Set(after.map((s) => s.spanId));
      for (const s of after) if (s.parentSpanId) expect(ids).toContain(s.parentSpanId);
      // The attempt the kill interrupted is closed, and the node's next attempt succeeds.
      const slowAttempts = after.filter((s) => s.name === 'node slow');
      expect(slowAttempts.map((s) => s.attributes['laneflow.attempt']).sort()).toEqual([1, 2]);
      expect(node(after, 'slow', 2)?.attributes['laneflow.lane']).toBe('succeeded');

      // ---- the log: JSON lines with run ids and trace ids, no secrets -------------------------------
      const lines = [first, second].flatMap((c) => c.output().split('\n')).filter((l) => l.trim() !== '');
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const r of records)
        expect(r).toMatchObject({
          level: expect.any(String),
          time: expect.any(String),
          msg: expect.any(String),
        });
      expect(records).toContainEqual(
        expect.objectContaining({ msg: 'run started', runId: esc, traceId: root.traceId }),
      );
      expect(records).toContainEqual(
        expect.objectContaining({ msg: 'run succeeded', runId: slow, traceId: run[0]?.traceId }),
      );
      for (const l of lines) {
        expect(l).not.toContain(admin);
        expect(l).not.toContain(apiKey);
        expect(l).not.toContain('lf_not_a_real_token_123');
      }
    } finally {
      await receiver.close();
    }
  });

  it.each(['http/protobuf', 'http/json'])(
    'exports the spans it still holds when stopped with SIGTERM (%s)',
    {
      timeout: 60_000,
    },
    async (protocol) => {
      const receiver = await startOtlpReceiver();
      const admin = `lf_admin_${randomBytes(12).toString('hex')}`;
      const storage = await storageFor('pglite', `observe-stop-${protocol.slice(5)}`);
      try {
        const server = await spawnServer({
          args: ['--host', '127.0.0.1', '--port', '0', '--data-dir', storage.dataDir, '--no-examples'],
          env: childEnv({
            LANEFLOW_TOKENS: `root:admin:${admin}`,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
            OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
            // Nothing is exported on the batch timer within the test: only the stop can send it.
            OTEL_BSP_SCHEDULE_DELAY: '600000',
          }),
        });
        children.push(server);
        const call = client(server.url, admin);
        const runId = (await call('POST', '/api/runs', { body: { dag: quickDag('stop-flush') } })).body
          .runId as string;
        expect((await waitForRunEnd(call, runId)).run.status).toBe('succeeded');
        expect(ofRun(receiver.spans, runId)).toEqual([]);
        await server.stop('SIGTERM');
        expect((await server.exited).code).toBe(0);
        const names = ofRun(receiver.spans, runId).map((s) => s.name);
        expect(names).toEqual(expect.arrayContaining(['run stop-flush', 'node n0', 'node n1']));
        expect([...receiver.contentTypes]).toEqual([
          `application/${protocol === 'http/json' ? 'json' : 'x-protobuf'}`,
        ]);
      } finally {
        await receiver.close();
      }
    },
  );
});
