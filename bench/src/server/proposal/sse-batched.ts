/**
 * PROPOSAL, not the server's code: apps/server/src/sse.ts with one change. Each wake-up writes the
 * whole page of committed signals as ONE chunk (one timer, one web-stream write, one socket write per
 * page per watcher instead of per signal), and each signal's frame text is built once per signal
 * object and shared by every watcher (a WeakMap keyed on the live run's signal objects), instead of
 * one `JSON.stringify` per signal per watcher. The bytes on the wire are the same as hono's
 * `writeSSE` produces (`event`, `data`, `id`, blank line; JSON has no raw newline).
 *
 * The stream bench loads it in place of the server's sse.ts with `--proposal` (see hook.mjs); the
 * server's files are not edited.
 */
import type { Signal } from '@laneflow/core';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { RunManager } from '../../../../apps/server/src/runs.ts';

(globalThis as { __laneflowSseProposalLoaded?: boolean }).__laneflowSseProposalLoaded = true;

const PAGE = 500;
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

const frames = new WeakMap<Signal, string>();
const frameOf = (s: Signal): string => {
  let f = frames.get(s);
  if (f === undefined) {
    f = `event: signal\ndata: ${JSON.stringify(s)}\nid: ${s.seq}\n\n`;
    frames.set(s, f);
  }
  return f;
};

export const streamRun = (c: Context, runs: RunManager, runId: string, after: number, heartbeatMs: number) =>
  streamSSE(c, async (stream) => {
    let closed = false;
    stream.onAbort(() => {
      closed = true;
    });
    let last = after;
    while (!closed) {
      const batch = await runs.signalsAfter(runId, last, PAGE);
      if (batch.length > 0) {
        if (closed) return;
        let text = '';
        for (const s of batch) text += frameOf(s);
        if (!(await writeOrDrop(stream, stream.write(text)))) return;
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
  });
