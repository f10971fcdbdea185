// GET /api/runs/:id/events over real HTTP: `id:` is the seq, `event: signal`, `event: end` once the
// run is over and drained, resume after Last-Event-ID / ?after= without gap or duplicate, heartbeats.
import type { Signal } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allSignals,
  approvalDag,
  backends,
  type Call,
  edge,
  expectGapFree,
  llm,
  openEvents,
  parseSse,
  quickDag,
  removeTempDirs,
  type SseItem,
  startTestServer,
  type TestServer,
  tok,
  waitForRunEnd,
  waitForSignal,
} from './helpers.ts';

afterAll(removeTempDirs);

const HEARTBEAT_MS = 200;

/** A seeded PRNG (mulberry32), so a failing drop pattern can be replayed from its seed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** ~30 sim nodes in three chains with small latencies, and a map over 50 items: a few hundred signals. */
const busyDag = (id: string) => {
  const nodes: unknown[] = [];
  const edges: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    nodes.push(llm(`n${i}`, { latencyMs: 30 + ((i * 37) % 70) }));
    if (i >= 3) edges.push(edge(`n${i - 3}`, `n${i}`));
  }
  nodes.push({ id: 'list', kind: 'transform', mapping: Array.from({ length: 50 }, (_, i) => `item ${i}`) });
  nodes.push({ id: 'fan', kind: 'map', items: '{{list}}', prompt: 'do {{item}}', sim: { latencyMs: 25 } });
  edges.push(edge('list', 'fan'));
  return { id, nodes, edges };
};

/** Reads a stream to its end (or `until` says stop): the items and whether `end` came. */
const readAll = async (res: Response, until?: (items: SseItem[]) => boolean) => {
  const items: SseItem[] = [];
  for await (const item of parseSse(res.body as ReadableStream<Uint8Array>)) {
    items.push(item);
    if (until?.(items)) break;
  }
  return items;
};

const signalsOf = (items: SseItem[]) =>
  items.flatMap((i) => {
    if (i.kind !== 'event' || i.event !== 'signal') return [];
    const s = JSON.parse(i.data) as Signal;
    expect(i.id).toBe(String(s.seq));
    return [s];
  });

describe.each(backends)('SSE on %s', (backend) => {
  let srv: TestServer;
  let call: Call;

  beforeAll(async () => {
    srv = await startTestServer(backend, `sse_${backend}`, { heartbeatMs: HEARTBEAT_MS });
    call = srv.call;
  });
  afterAll(async () => {
    await srv?.close();
  });

  const start = async (dag: unknown) => {
    const r = await call('POST', '/api/runs', { body: { dag } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.runId as string;
  };

  it('replays a finished run: id is the seq, every signal once, then one end and the stream closes', async () => {
    const runId = await start(quickDag('replay', 3));
    await waitForRunEnd(call, runId);
    const res = await openEvents(srv.url, runId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const items = await readAll(res);
    const events = items.filter((i) => i.kind === 'event');
    expect(events.slice(0, -1).every((e) => e.kind === 'event' && e.event === 'signal')).toBe(true);
    const last = events.at(-1);
    expect(last).toMatchObject({ kind: 'event', event: 'end' });
    const signals = signalsOf(items);
    expectGapFree(signals);
    expect(signals).toEqual(await allSignals(call, runId));
    expect(JSON.parse((last as { data: string }).data)).toEqual({ lastSeq: signals.length });

    // Resuming at the last seq gives only `end`; past a seq, only what follows it.
    const tail = signalsOf(await readAll(await openEvents(srv.url, runId, { lastEventId: signals.length })));
    expect(tail).toEqual([]);
    const rest = signalsOf(await readAll(await openEvents(srv.url, runId, { after: 4 })));
    expect(rest).toEqual(signals.slice(4));
    // Last-Event-ID wins over ?after= (a browser reconnect keeps the original URL).
    const both = signalsOf(await readAll(await openEvents(srv.url, runId, { after: 1, lastEventId: 6 })));
    expect(both).toEqual(signals.slice(6));
    // EventSource cannot send headers: the stream takes the token as access_token too.
    const viaQuery = await openEvents(srv.url, runId, { queryToken: true, token: tok.viewer });
    expect(viaQuery.status).toBe(200);
    expect(signalsOf(await readAll(viaQuery))).toEqual(signals);
  });

  it('follows a live run from its first signal to end', async () => {
    const runId = await start({
      id: 'live',
      nodes: [
        llm('a', { latencyMs: 100 }),
        llm('b', { latencyMs: 100 }),
        llm('c', { latencyMs: 50, stream: true }),
      ],
      edges: [edge('a', 'b'), edge('b', 'c')],
    });
    const res = await openEvents(srv.url, runId);
    expect(res.status).toBe(200);
    const items = await readAll(res);
    expect(items.filter((i) => i.kind === 'event').at(-1)).toMatchObject({ event: 'end' });
    const signals = signalsOf(items);
    expectGapFree(signals);
    expect(signals.at(-1)?.type).toBe('run.succeeded');
    expect(signals.some((s) => s.type === 'node.output_delta')).toBe(true);
    expect(signals).toEqual(await allSignals(call, runId));
  });

  it('resumes across dropped connections with no gap and no duplicate', async () => {
    const seed = Number(process.env.SSE_SEED ?? Date.now() % 100_000);
    const rand = prng(seed);
    const runId = await start(busyDag('busy'));
    const received: Signal[] = [];
    let end: { lastSeq: number } | undefined;
    let connections = 0;
    let usedAfter = false;
    let midRead = 0;
    let whileLive = 0;
    while (!end) {
      connections++;
      if (srv.server.runs.live(runId)) whileLive++;
      expect(connections, `seed ${seed}`).toBeLessThan(500);
      const last = received.at(-1)?.seq;
      // Reconnect as a browser does (Last-Event-ID), and once through ?after=.
      const viaAfter = last !== undefined && !usedAfter && connections >= 3;
      if (viaAfter) usedAfter = true;
      const ctrl = new AbortController();
      const res = await openEvents(srv.url, runId, {
        signal: ctrl.signal,
        ...(last !== undefined && (viaAfter ? { after: last } : { lastEventId: last })),
      });
      expect(res.status).toBe(200);
      // Most connections are dropped after a random number of signals; some by a timer, in the middle
      // of whatever is being read or waited for (always the second, early in the run).
      const timed = connections % 4 === 2 || rand() < 0.25;
      const budget = timed ? Number.POSITIVE_INFINITY : 1 + Math.floor(rand() * 30);
      const timer = timed
        ? setTimeout(
            () => {
              midRead++;
              ctrl.abort();
            },
            5 + Math.floor(rand() * 120),
          )
        : undefined;
      let n = 0;
      try {
        for await (const item of parseSse(res.body as ReadableStream<Uint8Array>)) {
          if (item.kind === 'comment') continue;
          if (item.event === 'end') {
            end = JSON.parse(item.data);
            break;
          }
          expect(item.event).toBe('signal');
          const s = JSON.parse(item.data) as Signal;
          expect(item.id).toBe(String(s.seq));
          received.push(s);
          if (++n >= budget) break;
        }
      } catch (err) {
        if (!ctrl.signal.aborted) throw err;
      } finally {
        clearTimeout(timer);
        ctrl.abort();
      }
    }
    const seqs = received.map((s) => s.seq);
    expect(seqs, `seed ${seed}`).toEqual(Array.from({ length: end.lastSeq }, (_, i) => i + 1));
    expect(received.at(-1)?.type).toBe('run.succeeded');
    expect(received).toEqual(await allSignals(call, runId));
    expect(usedAfter).toBe(true);
    // At least three: a timed connection may read all that remains before its timer fires.
    expect(connections, `seed ${seed}`).toBeGreaterThanOrEqual(3);
    expect(received.filter((s) => s.type === 'node.succeeded').length).toBe(30 + 2 + 50);
    // The drops happened while the run was going, not only in a replay of the finished run.
    expect(whileLive, `seed ${seed}`).toBeGreaterThanOrEqual(3);
    expect(midRead, `seed ${seed}`).toBeGreaterThanOrEqual(1);
  });

  it('sends heartbeat comments while the run waits, then the rest live and end', async () => {
    const runId = await start(approvalDag('idle'));
    const waiting = await waitForSignal(call, runId, (s) => s.type === 'node.awaiting_approval', 'approval');
    const lastSeq = (await allSignals(call, runId)).length;
    const ctrl = new AbortController();
    const opened = Date.now();
    const res = await openEvents(srv.url, runId, { signal: ctrl.signal });
    expect(res.status).toBe(200);
    const items: SseItem[] = [];
    const started = Date.now();
    let decided = false;
    let beatsBeforeDecision = 0;
    const beats: number[] = [];
    try {
      for await (const item of parseSse(res.body as ReadableStream<Uint8Array>)) {
        items.push(item);
        if (item.kind === 'comment') {
          expect(item.text).toBe('heartbeat');
          if (decided) continue;
          beats.push(Date.now());
          // Nothing to send while waiting: only comments follow the backlog.
          expect(signalsOf(items).length).toBe(lastSeq);
          if (++beatsBeforeDecision === 3) {
            decided = true;
            const r = await call(
              'POST',
              `/api/runs/${runId}/approvals/${encodeURIComponent((waiting as { approvalId: string }).approvalId)}`,
              { body: { decision: 'approved' }, token: tok.approver },
            );
            expect(r.status).toBe(200);
          }
        }
        if (item.kind === 'event' && item.event === 'end') break;
      }
    } finally {
      ctrl.abort();
    }
    // Three beats at 200 ms come long before the default 15 s would have sent one.
    expect(Date.now() - started).toBeLessThan(14_000);
    expect(beatsBeforeDecision).toBe(3);
    // Paced by heartbeatMs, not a busy loop: the third beat cannot come before three periods.
    expect((beats[2] as number) - opened).toBeGreaterThanOrEqual(3 * HEARTBEAT_MS - 20);
    const signals = signalsOf(items);
    expectGapFree(signals);
    expect(signals.at(-1)?.type).toBe('run.succeeded');
    expect(signals.find((s) => s.type === 'approval.decided')).toMatchObject({
      decision: 'approved',
      by: 'bob',
    });
  });

  it('refuses a resume position past the last committed signal, naming the field, live or finished', async () => {
    const runId = await start(approvalDag('past'));
    await waitForSignal(call, runId, (s) => s.type === 'node.awaiting_approval', 'approval');
    const lastSeq = (await allSignals(call, runId)).length;
    const refused = async (opts: { lastEventId?: number; after?: number }, field: string) => {
      const res = await openEvents(srv.url, runId, opts);
      const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
      expect(res.status).toBe(400);
      expect(body.error.issues[0]).toMatchObject({
        path: field,
        message: expect.stringContaining(`${lastSeq}`),
      });
    };
    // A waiting run: following from 100 would have withheld every signal still to come.
    await refused({ lastEventId: lastSeq + 1 }, 'Last-Event-ID');
    await refused({ after: 100 }, 'after');
    await refused({ after: 1, lastEventId: lastSeq + 1 }, 'Last-Event-ID');
    // Exactly at the last signal is where a reconnecting client stands: it follows what comes next.
    const ctrl = new AbortController();
    const res = await openEvents(srv.url, runId, { lastEventId: lastSeq, signal: ctrl.signal });
    expect(res.status).toBe(200);
    ctrl.abort();
    expect((await call('POST', `/api/runs/${runId}/cancel`, { body: {} })).status).toBe(202);
    await waitForRunEnd(call, runId);
    const final = (await allSignals(call, runId)).length;
    const res2 = await openEvents(srv.url, runId, { after: final + 1 });
    expect(res2.status).toBe(400);
  });

  it('closes a stream when its token is revoked, and the token cannot open another', async () => {
    const runId = await start(approvalDag('revoked'));
    await waitForSignal(call, runId, (s) => s.type === 'node.awaiting_approval', 'approval');
    const created = await call('POST', '/api/tokens', {
      body: { name: `watcher-${backend}`, role: 'viewer' },
    });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    const res = await openEvents(srv.url, runId, { token });
    expect(res.status).toBe(200);
    const items: SseItem[] = [];
    let revokedAt = 0;
    for await (const item of parseSse(res.body as ReadableStream<Uint8Array>)) {
      items.push(item);
      // Once the backlog is in and the stream waits (a heartbeat), the token is revoked.
      if (item.kind === 'comment' && revokedAt === 0) {
        revokedAt = Date.now();
        expect((await call('DELETE', `/api/tokens/watcher-${backend}`)).status).toBe(204);
      }
    }
    // The run still waits for its approval: the stream ended because the token went, without `end`.
    expect(revokedAt).toBeGreaterThan(0);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    expect(items.some((i) => i.kind === 'event' && i.event === 'end')).toBe(false);
    expect(signalsOf(items).length).toBe((await allSignals(call, runId)).length);
    expect((await openEvents(srv.url, runId, { token })).status).toBe(401);
    expect((await call('POST', `/api/runs/${runId}/cancel`, { body: {} })).status).toBe(202);
  });

  it('ends the stream of a cancelled run after its cancellation signals', async () => {
    const runId = await start(approvalDag('cancelled'));
    await waitForSignal(call, runId, (s) => s.type === 'node.awaiting_approval', 'approval');
    const ctrl = new AbortController();
    const res = await openEvents(srv.url, runId, { signal: ctrl.signal });
    const reading = readAll(res);
    expect((await call('POST', `/api/runs/${runId}/cancel`)).status).toBe(202);
    const items = await reading;
    ctrl.abort();
    const signals = signalsOf(items);
    expectGapFree(signals);
    expect(signals.at(-1)?.type).toBe('run.cancelled');
    expect(items.filter((i) => i.kind === 'event').at(-1)).toMatchObject({ event: 'end' });
  });
});
