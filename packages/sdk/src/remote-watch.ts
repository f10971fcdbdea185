import { backoffDelay, createSseParser, parseSignal, type Signal, SignalPageSchema } from '@laneflow/core';
import { HttpError, ValidationError } from './errors.ts';
import { authHeaders, type HttpOptions, httpError, request } from './http.ts';
import type { RunWatch, WatchOptions } from './transport.ts';
import { createWatchState, runWatch } from './watch-state.ts';

export interface ReconnectPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Reconnect when nothing (not even a heartbeat) arrived for this long. */
  idleTimeoutMs: number;
  /** Give up after this many consecutive failures; Infinity (the default) never gives up. */
  maxAttempts: number;
}

export const defaultReconnect: ReconnectPolicy = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  idleTimeoutMs: 45_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * A resume position past the run's last signal: the watch sends only seqs the server sent it, and
 * those are committed, so the position must have been changed on the way (a proxy). Another attempt
 * sends it again.
 */
const isMangledPosition = (err: HttpError) => err.issues.some((i) => i.code === 'past_last_seq');

/** Errors that another attempt cannot fix. */
const isFatal = (err: unknown) =>
  err instanceof ValidationError ||
  (err instanceof HttpError && [400, 401, 403, 404].includes(err.status) && !isMangledPosition(err));

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind (a watch may sleep thousands of times). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/**
 * The server's SSE stream over `fetch` (so the bearer header is sent), parsed with core's SSE parser.
 * On any drop it reconnects with exponential backoff and jitter, resuming after the last seq it
 * delivered; duplicates are dropped, and a gap is filled from `GET /signals?after=` before going on.
 */
export const watchRemote = (
  http: HttpOptions,
  runId: string,
  options: WatchOptions = {},
  policy: ReconnectPolicy = defaultReconnect,
): RunWatch => {
  const state = createWatchState('connecting');
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort());
  let lastSeq = options.after ?? 0;
  let lastEventAt: number | undefined;
  const f = http.fetch ?? globalThis.fetch;
  const base = http.baseUrl.replace(/\/$/, '');

  /** Signals after `lastSeq` up to (not including) `until`, from the REST endpoint. */
  async function* fill(until: number): AsyncGenerator<Signal> {
    while (lastSeq < until - 1) {
      const page = await request(
        http,
        'GET',
        `/api/runs/${encodeURIComponent(runId)}/signals?after=${lastSeq}&limit=${Math.min(1000, until - lastSeq - 1)}`,
        SignalPageSchema,
      );
      const wanted = page.signals.filter((s) => s.seq > lastSeq && s.seq < until);
      if (wanted.length === 0) return;
      for (const s of wanted) {
        if (s.seq !== lastSeq + 1) return;
        lastSeq = s.seq;
        yield s;
      }
    }
  }

  /** One connection: yields signals until the stream ends (`true` when the run has ended). */
  async function* connect(): AsyncGenerator<Signal, boolean> {
    const conn = new AbortController();
    const abortConn = () => conn.abort();
    stop.signal.addEventListener('abort', abortConn);
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      lastEventAt = Date.now();
      clearTimeout(idle);
      idle = setTimeout(() => conn.abort(), policy.idleTimeoutMs);
    };
    try {
      const res = await f(`${base}/api/runs/${encodeURIComponent(runId)}/events`, {
        headers: { ...authHeaders(http), accept: 'text/event-stream', 'last-event-id': String(lastSeq) },
        signal: conn.signal,
      });
      if (!res.ok) throw await httpError(res);
      if (!res.body) throw new HttpError(res.status, 'no_body', 'the event stream has no body');
      state.set('open');
      touch();
      // Every chunk read (heartbeat comments included) counts as life on the connection.
      const parser = createSseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        touch();
        for (const e of parser.push(value)) {
          if (e.event === 'end') {
            // The stream may have started past our position (a proxy or a stale Last-Event-ID):
            // the end names the run's last seq, and anything short of it is filled before finishing.
            const last = Number((JSON.parse(e.data || '{}') as { lastSeq?: unknown }).lastSeq);
            if (Number.isInteger(last) && last > lastSeq) yield* fill(last + 1);
            return lastSeq >= (Number.isInteger(last) ? last : lastSeq);
          }
          if (e.event !== 'signal') continue;
          let json: unknown;
          try {
            json = JSON.parse(e.data);
          } catch {
            throw new ValidationError('event stream: frame is not JSON', [
              { path: 'data', code: 'invalid_json', message: e.data.slice(0, 100) },
            ]);
          }
          const parsed = parseSignal(json);
          if (!parsed.ok)
            throw new ValidationError(`event stream: ${parsed.error.message}`, parsed.error.issues);
          const s = parsed.signal;
          if (s.seq <= lastSeq) continue;
          if (s.seq > lastSeq + 1) yield* fill(s.seq);
          if (s.seq !== lastSeq + 1) return false;
          lastSeq = s.seq;
          yield s;
        }
      }
    } finally {
      clearTimeout(idle);
      stop.signal.removeEventListener('abort', abortConn);
      conn.abort();
    }
  }

  async function* run(): AsyncGenerator<Signal> {
    let failures = 0;
    try {
      while (!stop.signal.aborted) {
        try {
          const before = lastSeq;
          if (yield* connect()) return;
          if (lastSeq > before) failures = 0;
        } catch (err) {
          if (stop.signal.aborted) return;
          if (isFatal(err)) throw err;
        }
        if (stop.signal.aborted) return;
        failures++;
        if (failures > policy.maxAttempts)
          throw new HttpError(0, 'gave_up', `stream of run ${runId} lost after ${failures - 1} attempts`);
        state.set('reconnecting');
        const delay = backoffDelay(
          { backoffMs: policy.initialDelayMs, factor: 2, maxBackoffMs: policy.maxDelayMs, jitter: 0.5 },
          failures,
          Math.random,
        );
        await sleep(delay, stop.signal);
      }
    } finally {
      state.set('closed');
    }
  }

  return runWatch({
    iterator: run(),
    state,
    lastSeq: () => lastSeq,
    lastEventAt: () => lastEventAt,
    close: () => {
      stop.abort();
      state.set('closed');
    },
  });
};
