import type { Signal } from '@laneflow/core';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { RunManager } from './runs.ts';

const PAGE = 500;
/** A client that cannot take a write for this long is cut off; it resumes from its Last-Event-ID. */
const WRITE_DEADLINE_MS = 10_000;

const writeOrDrop = async (stream: SSEStreamingApi, write: Promise<unknown>): Promise<boolean> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), WRITE_DEADLINE_MS);
  });
  const ok = await Promise.race([write.then(() => true as const), slow]);
  clearTimeout(timer);
  if (!ok) stream.abort();
  return ok;
};

/**
 * A signal's SSE frame, byte for byte what hono's `writeSSE` writes (JSON has no raw newline), built
 * once per signal object: watchers of a live run read the same objects, so 100 watchers cost one
 * `JSON.stringify`, not 100 (bench/server.md: 18–20 → 2.4–3.4 µs of CPU per signal per watcher).
 */
const frames = new WeakMap<Signal, string>();
const frameOf = (s: Signal): string => {
  let f = frames.get(s);
  if (f === undefined) {
    f = `event: signal\ndata: ${JSON.stringify(s)}\nid: ${s.seq}\n\n`;
    frames.set(s, f);
  }
  return f;
};

/**
 * `GET /api/runs/:id/events`: every committed signal after `after`, in seq order, as
 * `id: <seq> / event: signal / data: <json>`; heartbeat comments while idle; `event: end` once the run
 * has ended and everything is sent. Each client pulls from the committed log at its own pace, so a
 * slow client holds no buffer and never slows the run or other clients. A page of signals is one
 * write (one timer, one stream chunk, one socket write), not one per signal.
 */
export const streamRun = (
  c: Context,
  runs: RunManager,
  runId: string,
  after: number,
  heartbeatMs: number,
  open?: { inc(): void; dec(): void },
  hold?: (close: () => void) => () => void,
) =>
  streamSSE(c, async (stream) => {
    open?.inc();
    const release = hold?.(() => stream.abort());
    try {
      await pump(stream, runs, runId, after, heartbeatMs);
    } finally {
      release?.();
      open?.dec();
    }
  });

const pump = async (
  stream: SSEStreamingApi,
  runs: RunManager,
  runId: string,
  after: number,
  heartbeatMs: number,
) => {
  let closed = false;
  stream.onAbort(() => {
    closed = true;
  });
  let last = after;
  while (!closed) {
    const batch = await runs.signalsAfter(runId, last, PAGE);
    if (batch.length > 0) {
      if (closed) return;
      if (!(await writeOrDrop(stream, stream.write(batch.map(frameOf).join(''))))) return;
      last = (batch[batch.length - 1] as Signal).seq;
    }
    if (batch.length === PAGE) continue;
    if (await runs.drained(runId, last)) {
      await stream.writeSSE({ event: 'end', data: JSON.stringify({ lastSeq: last }) });
      return;
    }
    const before = last;
    await runs.waitForSignal(runId, last, heartbeatMs);
    if (!closed && before === last && (await runs.signalsAfter(runId, last, 1)).length === 0)
      if (!(await writeOrDrop(stream, stream.write(': heartbeat\n\n')))) return;
  }
};
