// Webhooks: configured by an admin in the environment only; each delivery a JSON POST signed with
// HMAC-SHA256, retried after a 5xx, logged for admins; nothing reaches a host nobody configured.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { defaultLadder } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server.ts';
import { readWebhooks } from '../src/webhooks/config.ts';
import { verifySignature } from '../src/webhooks/sign.ts';
import {
  approvalDag,
  type Call,
  client,
  removeTempDirs,
  storageFor,
  tok,
  tokensEnv,
  waitFor,
  waitForRunEnd,
  waitForSignal,
} from './helpers.ts';

afterAll(removeTempDirs);

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP receiver that records every request and answers with `status(n)` for the n-th. */
const receiver = async (status: (n: number, path: string) => number = () => 200) => {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(status(got.filter((g) => g.path === req.url).length, req.url ?? '')).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, got, close: () => new Promise((r) => server.close(r)) };
};

const SECRET = 'whsec_test_0123456789';

describe('webhook configuration', () => {
  const env = (hooks: unknown, extra: Record<string, string> = {}) => ({
    LANEFLOW_WEBHOOKS: JSON.stringify(hooks),
    HOOK_SECRET: SECRET,
    ...extra,
  });
  const ok = {
    name: 'ops',
    url: 'https://hooks.example/laneflow',
    events: ['run.failed'],
    secretEnv: 'HOOK_SECRET',
  };

  it('reads subscriptions with their secret from the variable they name', () => {
    expect(readWebhooks(env([ok]))).toEqual([
      { name: 'ops', url: ok.url, events: ['run.failed'], format: 'json', secret: SECRET },
    ]);
    expect(readWebhooks({})).toEqual([]);
  });

  it('refuses URLs a delivery must not go to, and unsigned or misnamed entries, naming the field', () => {
    expect(() => readWebhooks(env([{ ...ok, url: 'https://user:pw@hooks.example/' }]))).toThrow(
      'LANEFLOW_WEBHOOKS: 0.url: must be an http(s) URL without credentials',
    );
    expect(() => readWebhooks(env([{ ...ok, url: 'file:///etc/passwd' }]))).toThrow('0.url');
    expect(() => readWebhooks(env([{ ...ok, secretEnv: undefined }]))).toThrow(
      '0.secretEnv: a json webhook needs secretEnv',
    );
    expect(() => readWebhooks(env([{ ...ok, secretEnv: 'MISSING_SECRET' }]))).toThrow(
      '0.secretEnv: MISSING_SECRET is not set',
    );
    expect(() => readWebhooks(env([ok, ok]))).toThrow('1.name: "ops" is repeated');
    expect(() => readWebhooks({ LANEFLOW_WEBHOOKS: '[' })).toThrow('LANEFLOW_WEBHOOKS is not JSON');
  });
});

describe('webhook delivery', () => {
  let hooks: Awaited<ReturnType<typeof receiver>>;
  let rogue: Awaited<ReturnType<typeof receiver>>;
  let srv: Awaited<ReturnType<typeof startServer>>;
  let call: Call;

  beforeAll(async () => {
    // The first delivery to /json fails with a 500; every other answer is a 200.
    hooks = await receiver((n, path) => (path === '/json' && n === 1 ? 500 : 200));
    rogue = await receiver();
    srv = await startServer({
      host: '127.0.0.1',
      port: 0,
      ...(await storageFor('pglite', 'webhooks')),
      ladder: defaultLadder,
      corsOrigins: [],
      maxBodyBytes: 1_048_576,
      tokensEnv,
      loadExamples: false,
      webhooks: readWebhooks({
        HOOK_SECRET: SECRET,
        LANEFLOW_WEBHOOKS: JSON.stringify([
          {
            name: 'ops',
            url: `${hooks.url}/json`,
            events: ['approval.waiting', 'approval.decided', 'run.succeeded'],
            secretEnv: 'HOOK_SECRET',
          },
          { name: 'chat', url: `${hooks.url}/slack`, events: ['approval.waiting'], format: 'slack' },
        ]),
      }),
    });
    call = client(srv.url);
  });
  afterAll(async () => {
    await srv?.close();
    await hooks?.close();
    await rogue?.close();
  });

  it('posts signed events, retries after a 500, formats for Slack, and logs every attempt for admins', async () => {
    expect((await call('POST', '/api/dags', { body: approvalDag('hooked') })).status).toBe(201);
    const { runId } = (await call('POST', '/api/runs', { body: { dagId: 'hooked' } })).body;
    const waiting = await waitForSignal(call, runId, (s) => s.type === 'node.awaiting_approval', 'approval');
    // Delivered on the second try, about a second after the 500.
    await waitFor(() => hooks.got.filter((g) => g.path === '/json').length >= 2, 'the retry', 15_000);
    const [failed, retried] = hooks.got.filter((g) => g.path === '/json');
    expect(retried?.body).toBe(failed?.body);
    expect(retried?.headers['x-laneflow-delivery']).toBe(failed?.headers['x-laneflow-delivery']);
    for (const g of [failed, retried]) {
      expect(g?.headers['content-type']).toBe('application/json');
      expect(g?.headers['x-laneflow-event']).toBe('approval.waiting');
      expect(verifySignature(SECRET, g?.body ?? '', String(g?.headers['x-laneflow-signature']))).toBe(true);
      expect(
        verifySignature('another secret', g?.body ?? '', String(g?.headers['x-laneflow-signature'])),
      ).toBe(false);
    }
    expect(JSON.parse(retried?.body ?? '{}')).toMatchObject({
      event: 'approval.waiting',
      run: { id: runId, dagId: 'hooked', dagName: 'approval flow hooked' },
      data: { approvalId: waiting.type === 'node.awaiting_approval' && waiting.approvalId, nodeId: 'gate' },
    });
    const slack = hooks.got.find((g) => g.path === '/slack');
    expect(JSON.parse(slack?.body ?? '{}')).toEqual({
      text: ':raised_hand: Approval waiting in approval flow hooked (gate): May gate pass?',
    });
    expect(slack?.headers['x-laneflow-signature']).toBeUndefined();

    const approvalId = waiting.type === 'node.awaiting_approval' ? waiting.approvalId : '';
    expect(
      (await call('POST', `/api/runs/${runId}/approvals/${approvalId}`, { body: { decision: 'approved' } }))
        .status,
    ).toBe(200);
    await waitForRunEnd(call, runId);
    await waitFor(
      () => hooks.got.some((g) => g.headers['x-laneflow-event'] === 'run.succeeded'),
      'the run.succeeded delivery',
    );
    const events = hooks.got.filter((g) => g.path === '/json').map((g) => g.headers['x-laneflow-event']);
    // The retried delivery, then the decision and the run's end (separate deliveries, in either order).
    expect(events.slice(0, 2)).toEqual(['approval.waiting', 'approval.waiting']);
    expect(events.slice(2).sort()).toEqual(['approval.decided', 'run.succeeded']);

    const log = await call('GET', '/api/webhooks/deliveries');
    expect(log.status).toBe(200);
    const first = log.body.deliveries.find(
      (d: { webhook: string; event: string }) => d.webhook === 'ops' && d.event === 'approval.waiting',
    );
    expect(first).toMatchObject({ runId, state: 'delivered' });
    expect(first.attempts.map((a: { status: number }) => a.status)).toEqual([500, 200]);
    expect((await call('GET', '/api/webhooks/deliveries', { token: tok.approver })).status).toBe(403);
    expect((await call('GET', '/api/webhooks')).body.webhooks).toEqual([
      {
        name: 'ops',
        host: new URL(hooks.url).host,
        events: ['approval.waiting', 'approval.decided', 'run.succeeded'],
        format: 'json',
        signed: true,
      },
      {
        name: 'chat',
        host: new URL(hooks.url).host,
        events: ['approval.waiting'],
        format: 'slack',
        signed: false,
      },
    ]);
  });

  it('delivers nothing to a host nobody configured: a DAG cannot name a webhook', async () => {
    const dag = { ...approvalDag('rogue'), webhooks: [{ url: rogue.url, events: ['run.succeeded'] }] };
    const r = await call('POST', '/api/dags', { body: dag });
    expect(r.status).toBe(400);
    const inline = await call('POST', '/api/runs', { body: { dag } });
    expect(inline.status).toBe(400);
    const run = await call('POST', '/api/runs', {
      body: { dag: approvalDag('rogue'), inputs: { url: rogue.url } },
    });
    expect(run.status).toBe(201);
    await waitForSignal(call, run.body.runId, (s) => s.type === 'node.awaiting_approval', 'approval');
    await waitFor(
      () => hooks.got.some((g) => JSON.parse(g.body).run?.id === run.body.runId),
      'the configured delivery',
    );
    expect(rogue.got).toEqual([]);
  });
});
