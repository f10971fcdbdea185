import { ExportResultCode, getNumberFromEnv } from '@opentelemetry/core';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Attempt } from './attempt-span.ts';
import type { ModelCall } from './model-call.ts';
import { type ProtoWriter, protoWriter } from './proto-writer.ts';
import { writeAttempt, writeModelCall } from './record-proto.ts';
import { type ExportScope, requestFrame } from './request-frame.ts';
import type { RunSpan } from './run-spans.ts';
import { writeRunSpan } from './span-proto.ts';

/** Spans written to protobuf, ready to send as one request. */
interface Batch {
  spans: number;
  writer: ProtoWriter;
  /** The request, made once (an export that is retried sends it again). */
  body?: Uint8Array;
}

/**
 * The batch span processor's behaviour for run spans (a batch leaves when it is full or
 * `OTEL_BSP_SCHEDULE_DELAY` after its first span, one at a time; spans beyond
 * `OTEL_BSP_MAX_QUEUE_SIZE` waiting are dropped), but what waits is each span's protobuf, written
 * when the span ends ({@link writeRunSpan}), not span objects: nothing outlives the span but its
 * bytes, and nothing is encoded twice. Requests go through the OTLP/HTTP exporter's own transport
 * (endpoint, headers, compression, timeout and retries from the standard `OTEL_EXPORTER_OTLP_*`
 * variables). A failed export and dropped spans are reported to `warn`.
 */
export const createRunSpanBatches = (scope: ExportScope, warn: (message: string) => void) => {
  const maxQueue = getNumberFromEnv('OTEL_BSP_MAX_QUEUE_SIZE') ?? 2048;
  const maxBatch = Math.min(getNumberFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? 512, maxQueue);
  const delayMs = getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY') ?? 5000;
  const frame = requestFrame(scope);
  const delegate = createOtlpHttpExportDelegate(
    convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
    {
      serializeRequest: (b: Batch) => {
        b.body ??= frame.finish(b.writer);
        return b.body;
      },
      deserializeResponse: ProtobufTraceSerializer.deserializeResponse,
    },
    'otlp_http_span_exporter',
    { name: 'span', countItems: (b: Batch) => b.spans },
    undefined,
  );

  /** Full batches waiting, oldest first, and the one being filled. */
  const full: Batch[] = [];
  /**
   * Writers of batches exported, kept to write the next ones: a batch's buffer is reused rather than
   * a megabyte allocated, and faulted in, for each.
   */
  const spare: ProtoWriter[] = [];
  const nextWriter = (size: number) => {
    const w = spare.pop() ?? protoWriter(size);
    w.pos = frame.reserve;
    return w;
  };
  let writer = nextWriter(64 * 1024);
  let filling = 0;
  let queued = 0;
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const seal = () => {
    if (filling === 0) return;
    full.push({ spans: filling, writer });
    writer = nextWriter(writer.buf.length);
    filling = 0;
  };
  const send = (b: Batch) =>
    new Promise<void>((resolve, reject) =>
      delegate.export(b, (result) => {
        queued -= b.spans;
        // Only a request that completed is surely no longer read from.
        if (result.code === ExportResultCode.SUCCESS) {
          if (spare.length < 2) spare.push(b.writer);
          resolve();
        } else reject(result.error ?? new Error('run span export failed'));
      }),
    );
  /** The export the batch timer started, if one is under way. */
  let exporting: Promise<void> | undefined;
  const next = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (exporting) return;
    if (full.length === 0) seal();
    const b = full.shift();
    if (!b) return;
    exporting = send(b)
      .catch((err: Error) => warn(`run spans: export failed: ${err.message}`))
      .finally(() => {
        exporting = undefined;
        schedule();
      });
  };
  const schedule = () => {
    if (exporting || (full.length === 0 && filling === 0)) return;
    if (full.length > 0) next();
    else timer ??= setTimeout(next, delayMs).unref();
  };
  const sendAll = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    seal();
    return Promise.all([...full.splice(0).map(send), exporting]).then(() => undefined);
  };

  /** Whether one more span may wait; reports drops. */
  const room = () => {
    if (closed) return false;
    if (queued >= maxQueue) {
      if (dropped++ === 0) warn('run spans: the export queue is full, dropping spans');
      return false;
    }
    if (dropped > 0) {
      warn(`run spans: dropped ${dropped} spans because the export queue was full`);
      dropped = 0;
    }
    return true;
  };
  const added = () => {
    queued++;
    if (++filling >= maxBatch) seal();
    schedule();
  };

  return {
    add(span: RunSpan) {
      if (!room()) return;
      writeRunSpan(writer, span);
      added();
    },
    addAttempt(attempt: Attempt) {
      if (!room()) return;
      writeAttempt(writer, attempt);
      added();
    },
    addModelCall(call: ModelCall) {
      if (!room()) return;
      writeModelCall(writer, call);
      added();
    },
    /** Sends every waiting span; resolves when they are exported, rejects if an export failed. */
    flush: sendAll,
    shutdown: async () => {
      closed = true;
      try {
        await sendAll();
      } finally {
        await delegate.shutdown();
      }
    },
  };
};
