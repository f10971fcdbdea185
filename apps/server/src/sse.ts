import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { RunManager } from './runs.ts';

const PAGE = 500;
/** A client that cannot take a write for this long is cut off; it resumes from its Last-Event-ID. */
const WRITE_DEADLINE_MS = 10_000;

const writeOrDrop = async (stream: SSEStreamingApi, write: Promise<void>): Promise<boolean> => {
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
 * `GET /api/runs/:id/events`: every committed signal after `after`, in seq order, as
 * `id: <seq> / event: signal / data: <json>`; heartbeat comments while idle; `event: end` once the run
 * has ended and everything is sent. Each client pulls from the committed log at its own pace, so a
 * slow client holds no buffer and never slows the run or other clients.
 */
export const streamRun = (c: Context, runs: RunManager, runId: string, after: number, heartbeatMs: number) =>
  streamSSE(c, async (stream) => {
    let closed = false;
    stream.onAbort(() => {
      closed = true;
    });
    let last = after;
    while (!closed) {
      const batch = await runs.signalsAfter(runId, last, PAGE);
      for (const s of batch) {
        if (closed) return;
        const sent = await writeOrDrop(
          stream,
          stream.writeSSE({ id: String(s.seq), event: 'signal', data: JSON.stringify(s) }),
        );
        if (!sent) return;
        last = s.seq;
      }
      if (batch.length === PAGE) continue;
      if (await runs.drained(runId, last)) {
        await stream.writeSSE({ event: 'end', data: JSON.stringify({ lastSeq: last }) });
        return;
      }
      const before = last;
      await runs.waitForSignal(runId, last, heartbeatMs);
      if (!closed && before === last && (await runs.signalsAfter(runId, last, 1)).length === 0)
        if (
          !(await writeOrDrop(
            stream,
            stream.write(': heartbeat\n\n').then(() => undefined),
          ))
        )
          return;
    }
  });
