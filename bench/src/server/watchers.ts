/**
 * The SSE watchers of the stream bench, in their own process (forked by `stream.ts`) so parsing the
 * streams does not take the server's event loop. On `{type: 'start'}` it opens `watchers` streams
 * (`fetch`, bearer token) on one run's `/events`, reports `connected` once every stream has its
 * response headers, `caughtUp` once every stream has received `quiescentSeq` (the run's last seq while
 * it waits for the bench's go), and `done` with per-watcher seq checks and latency histograms once every stream
 * has seen `event: end`.
 *
 * Latency of a receipt = Date.now() when the chunk carrying it arrived − the signal's `at` (same
 * machine clock; `at` has millisecond precision, so figures are whole milliseconds). Parsing is kept
 * light (seq from `id:`, `at` located in the data text) so the watchers' own work adds little delay.
 */

export interface WatchStart {
  type: 'start';
  url: string;
  token: string;
  runId: string;
  watchers: number;
  /** The run's last seq while it waits (quiescent): `caughtUp` is sent once every watcher has it. */
  quiescentSeq: number;
}

export interface WatcherResult {
  received: number;
  /** Receipts whose seq was not last + 1. */
  outOfOrder: number;
  firstSeq: number;
  lastSeq: number;
  /** `lastSeq` of the `end` event, or null if the stream ended without one. */
  endLastSeq: number | null;
  error?: string;
}

export interface WatchDone {
  type: 'done';
  liveFrom: number;
  watchers: WatcherResult[];
  /** Latency histogram over every receipt: index = ms. */
  all: Array<[number, number]>;
  /** Over receipts of signals stamped after every watcher had caught up (the live part of the run). */
  live: Array<[number, number]>;
  /** Child process CPU (user + system, ms) while streaming, and wall time (ms). */
  cpuMs: number;
  wallMs: number;
  /** This process's event-loop delay from `caughtUp` to the end (is the watcher side lagging?). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

import { monitorEventLoopDelay } from 'node:perf_hooks';

const MAX_MS = 600_000;

const watch = async (
  m: WatchStart,
  onHeaders: () => void,
  onCaughtUp: () => void,
  hist: { all: Uint32Array; live: Uint32Array; liveFrom: () => number },
): Promise<WatcherResult> => {
  const r: WatcherResult = { received: 0, outOfOrder: 0, firstSeq: 0, lastSeq: 0, endLastSeq: null };
  try {
    const res = await fetch(`${m.url}/api/runs/${m.runId}/events?after=0`, {
      headers: { authorization: `Bearer ${m.token}`, accept: 'text/event-stream' },
    });
    if (res.status !== 200 || !res.body) throw new Error(`status ${res.status}`);
    onHeaders();
    const decoder = new TextDecoder();
    let buf = '';
    let lastAt = '';
    let lastAtMs = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const now = Date.now();
      buf += decoder.decode(chunk, { stream: true });
      let pos = 0;
      for (let cut = buf.indexOf('\n\n', pos); cut !== -1; cut = buf.indexOf('\n\n', pos)) {
        const frame = buf.slice(pos, cut);
        pos = cut + 2;
        if (frame.charCodeAt(0) === 58) continue; // ': heartbeat'
        // event: signal\ndata: {...}\nid: <seq>   (hono's writeSSE order)
        if (frame.startsWith('event: end')) {
          const d = frame.indexOf('data: ');
          r.endLastSeq = (JSON.parse(frame.slice(d + 6)) as { lastSeq: number }).lastSeq;
          continue;
        }
        const seq = Number(frame.slice(frame.lastIndexOf('\nid: ') + 5));
        if (r.received === 0) r.firstSeq = seq;
        else if (seq !== r.lastSeq + 1) r.outOfOrder++;
        r.lastSeq = seq;
        r.received++;
        if (seq === m.quiescentSeq) onCaughtUp();
        const a = frame.indexOf('"at":"');
        const at = frame.slice(a + 6, a + 30);
        if (at !== lastAt) {
          lastAt = at;
          lastAtMs = Date.parse(at);
        }
        const ms = Math.min(MAX_MS - 1, Math.max(0, now - lastAtMs));
        (hist.all[ms] as number)++;
        if (lastAtMs >= hist.liveFrom()) (hist.live[ms] as number)++;
      }
      buf = buf.slice(pos);
    }
  } catch (err) {
    r.error = (err as Error).message;
  }
  return r;
};

const sparse = (h: Uint32Array): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < h.length; i++) if (h[i]) out.push([i, h[i] as number]);
  return out;
};

process.on('message', async (m: WatchStart) => {
  if (m.type !== 'start') return;
  const all = new Uint32Array(MAX_MS);
  const live = new Uint32Array(MAX_MS);
  // Until every watcher has caught up with the quiescent run, nothing counts as live.
  let liveFrom = Number.POSITIVE_INFINITY;
  const eld = monitorEventLoopDelay({ resolution: 5 });
  let headers = 0;
  let caughtUp = 0;
  if (m.watchers === 0) {
    liveFrom = Date.now();
    process.send?.({ type: 'connected', at: liveFrom });
    process.send?.({ type: 'caughtUp', at: liveFrom });
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: m.watchers }, () =>
      watch(
        m,
        () => {
          if (++headers === m.watchers) {
            process.send?.({ type: 'connected', at: Date.now() });
          }
        },
        () => {
          if (++caughtUp === m.watchers) {
            liveFrom = Date.now();
            eld.enable();
            process.send?.({ type: 'caughtUp', at: liveFrom });
          }
        },
        { all, live, liveFrom: () => liveFrom },
      ),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  const done: WatchDone = {
    type: 'done',
    liveFrom,
    watchers: results,
    all: sparse(all),
    live: sparse(live),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - t0,
    eventLoopDelayMs: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 },
  };
  process.send?.(done, () => process.exit(0));
});
process.send?.({ type: 'ready' });
