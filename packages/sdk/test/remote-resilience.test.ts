/**
 * The remote watch against a real server process, through a TCP proxy that drops connections:
 * whatever happens to the connection, the delivered stream is exactly seq 1..N, no gap, no
 * duplicate. Then the server is killed mid-run and started again; the watch rides through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signal } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionState, createRemoteTransport, type RemoteTransport } from '../src/index.ts';
import { fanOutDag, oneTo, seqs, sleep } from './fixtures.ts';
import { freePort, type ServerProcess, startServerProcess } from './server-process.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const TOKEN = 'lf_resilience_token';
const reconnect = { initialDelayMs: 50, maxDelayMs: 500 };
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** Every committed signal of a run, straight from the server. */
const allSignals = async (t: RemoteTransport, runId: string) => {
  const out: Signal[] = [];
  for (;;) {
    const page = await t.signals(runId, out.length, 1000);
    if (page.length === 0) return out;
    out.push(...page);
  }
};

/** Watches to the end, recording every connection state the watch went through. */
const watchRecording = (t: RemoteTransport, runId: string) => {
  const w = t.watch(runId);
  const states: ConnectionState[] = [w.state];
  w.onStateChange((s) => states.push(s));
  const signals: Signal[] = [];
  const done = (async () => {
    for await (const s of w) signals.push(s);
    return signals;
  })();
  return { watch: w, states, signals, done };
};

/** The run has ended and its status is stored (the last signal and the status commit together). */
const ended = async (t: RemoteTransport, runId: string) => {
  for (let i = 0; i < 600; i++) {
    const snap = await t.getRun(runId);
    if (['succeeded', 'failed', 'cancelled'].includes(snap.run.status)) return snap;
    await sleep(50);
  }
  throw new Error(`run ${runId} did not end`);
};

describe('remote transport against a server process, through a flaky TCP proxy', () => {
  let dataDir: string;
  let port: number;
  let server: ServerProcess;
  let proxy: TcpProxy;
  let direct: RemoteTransport;
  let proxied: RemoteTransport;

  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'laneflow-sdk-resilience-')), 'data');
    port = await freePort();
    server = await startServerProcess({ port, dataDir, tokens: `sdk:admin:${TOKEN}` });
    proxy = await startTcpProxy({ host: '127.0.0.1', port });
    direct = createRemoteTransport({ baseUrl: server.url, token: TOKEN });
    proxied = createRemoteTransport({ baseUrl: proxy.url, token: TOKEN, reconnect });
  });

  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('drops every connection at random moments of a live run: the stream is exactly 1..N', async () => {
    const { runId } = await direct.startRun({ dag: fanOutDag(60, 400) });
    const r = watchRecording(proxied, runId);
    let ongoing = true;
    void r.done.finally(() => {
      ongoing = false;
    });
    // Drop every connection after a random stretch of the stream (5-25 more signals, then 0-60 ms),
    // so the cuts land at random points of a live run however fast this machine is.
    let drops = 0;
    while (ongoing) {
      const target = r.signals.length + random(5, 25);
      while (ongoing && r.signals.length < target) await sleep(5);
      await sleep(random(0, 60));
      if (!ongoing) break;
      if (proxy.dropAll() > 0) drops++;
    }
    const signals = await r.done;
    const all = await allSignals(direct, runId);

    expect(drops).toBeGreaterThanOrEqual(3);
    expect(all.length).toBeGreaterThan(150);
    expect(seqs(signals)).toEqual(oneTo(all.length));
    expect(signals.map((s) => s.type)).toEqual(all.map((s) => s.type));
    expect(signals.at(-1)?.type).toBe('run.succeeded');
    // connecting → open → (reconnecting → open)+ → closed
    expect(r.states[0]).toBe('connecting');
    const again = r.states.indexOf('reconnecting');
    expect(again).toBeGreaterThan(0);
    expect(r.states.slice(again)).toContain('open');
    expect(r.states.at(-1)).toBe('closed');
    expect(r.watch.state).toBe('closed');
  });

  it('cuts every connection after a random number of bytes (mid-frame): still exactly 1..N', async () => {
    const { runId } = await direct.startRun({ dag: fanOutDag(40, 100) });
    await ended(direct, runId);
    const all = await allSignals(direct, runId);
    const before = proxy.connections;
    proxy.cutAfterBytes(() => random(400, 6000));
    try {
      const r = watchRecording(proxied, runId);
      const signals = await r.done;
      expect(seqs(signals)).toEqual(oneTo(all.length));
      expect(signals.map((s) => s.type)).toEqual(all.map((s) => s.type));
      expect(proxy.connections - before).toBeGreaterThan(3);
      expect(r.states).toContain('reconnecting');
      expect(r.states.at(-1)).toBe('closed');
    } finally {
      proxy.cutAfterBytes(null);
    }
  });

  it('resumes from a wrong position (rewound: duplicates; skipped ahead: a gap): deduplicated and gap-filled', async () => {
    const { runId } = await direct.startRun({ dag: fanOutDag(30, 50) });
    await ended(direct, runId);
    const all = await allSignals(direct, runId);
    const told = { rewound: 0, skipped: 0 };
    // Every reconnect asks to resume after the seq it has; the proxy lies to the server about it,
    // rewinding and skipping ahead in turn, by a random amount.
    proxy.rewriteRequests((text) =>
      text.replace(/last-event-id: (\d+)/i, (_, seq: string) => {
        const n = Number(seq);
        const lie = told.rewound <= told.skipped ? Math.max(0, n - random(1, 8)) : n + random(1, 6);
        if (lie < n) told.rewound++;
        if (lie > n) told.skipped++;
        return `last-event-id: ${lie}`;
      }),
    );
    proxy.cutAfterBytes(() => random(1500, 6000));
    try {
      const r = watchRecording(proxied, runId);
      const signals = await r.done;
      expect(seqs(signals)).toEqual(oneTo(all.length));
      expect(signals.map((s) => s.type)).toEqual(all.map((s) => s.type));
      expect(told.rewound).toBeGreaterThan(0);
      expect(told.skipped).toBeGreaterThan(0);
    } finally {
      proxy.cutAfterBytes(null);
      proxy.rewriteRequests(null);
    }
  });

  it('sends its position again when the server refuses a changed one as past the run end', async () => {
    const { runId } = await direct.startRun({ dag: fanOutDag(5, 10) });
    await ended(direct, runId);
    const all = await allSignals(direct, runId);
    let told = 0;
    // The first request's position is pushed past the run's end on the way; later ones pass as sent.
    proxy.rewriteRequests((text) =>
      told++ > 0 ? text : text.replace(/last-event-id: (\d+)/i, () => `last-event-id: ${all.length + 50}`),
    );
    try {
      const r = watchRecording(proxied, runId);
      const signals = await r.done;
      expect(told).toBeGreaterThan(1);
      expect(seqs(signals)).toEqual(oneTo(all.length));
      expect(r.states).toContain('reconnecting');
    } finally {
      proxy.rewriteRequests(null);
    }
  });

  it('survives a server crash and restart mid-run: the watch delivers exactly 1..N of the final run', async () => {
    const { runId } = await direct.startRun({ dag: fanOutDag(60, 500) });
    const r = watchRecording(proxied, runId);
    // Kill the server once the run is well under way but far from done.
    for (let i = 0; i < 3000 && r.signals.length < 60; i++) await sleep(20);
    expect(r.signals.length).toBeGreaterThanOrEqual(60);
    await server.kill();
    const seenAtCrash = r.signals.length;
    expect(r.signals.at(-1)?.type).not.toBe('run.succeeded');

    // While the server is down the watch keeps retrying; then the same data dir and port again.
    for (let i = 0; i < 500 && r.watch.state !== 'reconnecting'; i++) await sleep(20);
    expect(r.watch.state).toBe('reconnecting');
    await sleep(300);
    server = await startServerProcess({ port, dataDir, tokens: `sdk:admin:${TOKEN}` });

    const signals = await r.done;
    const all = await allSignals(direct, runId);
    expect(seqs(signals)).toEqual(oneTo(all.length));
    expect(signals.map((s) => `${s.seq}:${s.type}`)).toEqual(all.map((s) => `${s.seq}:${s.type}`));
    expect(signals.length).toBeGreaterThan(seenAtCrash);
    expect(signals.at(-1)?.type).toBe('run.succeeded');
    // Nodes that were running when the server died ran again with the next attempt.
    expect(signals.some((s) => s.type === 'node.started' && s.attempt > 1)).toBe(true);
    expect(r.states.at(-1)).toBe('closed');
    expect((await ended(direct, runId)).run.status).toBe('succeeded');
    expect(server.output).toMatch(/resumed 1 unfinished run/);
  }, 300_000);
});
