/**
 * Run spans written straight to OTLP protobuf (`ExportTraceServiceRequest`), field for field as the
 * OpenTelemetry serializer writes an SDK span, without making an SDK span first. An export request
 * is one resource and one scope around the spans, so each span is written once, when it ends, and
 * the request's frame is added when its batch is sent (`request-frame.ts`).
 */
import { attributes } from './attribute-proto.ts';
import {
  begin,
  bytes,
  end,
  fixed32,
  fixed64Nanos,
  hexBytes,
  type ProtoWriter,
  prefixed,
  protoWriter,
  string,
  tag,
  varint,
  written,
} from './proto-writer.ts';
import type { RunSpan } from './run-spans.ts';

/** Span flags: sampled, and "whether the parent is remote" is known (it is not). */
const FLAGS = 0x101;
const ERROR = 2;

/** The last trace id written and its field's bytes: a run's spans share one and mostly come together. */
let traceHex = '';
let traceField = new Uint8Array(0);
const writeTraceId = (w: ProtoWriter, traceId: string) => {
  if (traceId !== traceHex) {
    const f = protoWriter(18);
    tag(f, 1, 2);
    hexBytes(f, traceId);
    traceHex = traceId;
    traceField = Uint8Array.from(written(f));
  }
  bytes(w, traceField);
};

/** What ends a span without an error: no links dropped, status unset, flags. */
const OK_TAIL = (() => {
  const w = protoWriter(16);
  tag(w, 14, 0);
  varint(w, 0);
  tag(w, 15, 2);
  const status = begin(w);
  tag(w, 3, 0);
  varint(w, 0);
  end(w, status);
  tag(w, 16, 5);
  fixed32(w, FLAGS);
  return Uint8Array.from(written(w));
})();
const KIND = { internal: 1, client: 3 } as const;

/**
 * Starts `ScopeSpans.spans` (field 2) with the span's ids, name, kind and times; returns where it
 * began, for {@link endSpan}.
 */
export const beginSpan = (
  w: ProtoWriter,
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  name: string,
  kind: RunSpan['kind'],
  start: number,
  end: number,
  /** Written after `name` as part of it (`node ` and the node id), so the two are never joined. */
  nameRest = '',
) => {
  tag(w, 2, 2);
  const s = begin(w, 2);
  writeTraceId(w, traceId);
  tag(w, 2, 2);
  hexBytes(w, spanId);
  if (parentSpanId) {
    tag(w, 4, 2);
    hexBytes(w, parentSpanId);
  }
  tag(w, 5, 2);
  prefixed(w, name, nameRest);
  tag(w, 6, 0);
  varint(w, KIND[kind]);
  tag(w, 7, 1);
  fixed64Nanos(w, start);
  tag(w, 8, 1);
  fixed64Nanos(w, end);
  return s;
};

/** Appends an event as `Span.events` (field 11). */
export const writeEvent = (w: ProtoWriter, e: RunSpan['events'][number]) => {
  tag(w, 11, 2);
  const at = begin(w);
  tag(w, 1, 1);
  fixed64Nanos(w, e.time);
  tag(w, 2, 2);
  string(w, e.name);
  attributes(w, e.attributes, 3);
  tag(w, 4, 0);
  varint(w, 0);
  end(w, at);
};

/** Appends the dropped events count, then the links (`Span.links`, field 13). */
export const writeLinks = (w: ProtoWriter, traceId: string, links: RunSpan['links']) => {
  tag(w, 12, 0);
  varint(w, 0);
  for (const l of links) {
    tag(w, 13, 2);
    const at = begin(w);
    tag(w, 1, 2);
    hexBytes(w, traceId);
    tag(w, 2, 2);
    hexBytes(w, l.spanId);
    attributes(w, l.attributes, 4);
    tag(w, 5, 0);
    varint(w, 0);
    tag(w, 6, 5);
    fixed32(w, FLAGS);
    end(w, at);
  }
};

/** Ends the span {@link beginSpan} began with its dropped links count, status and flags. */
export const endSpan = (w: ProtoWriter, s: number, error: string | undefined) => {
  if (error === undefined) {
    bytes(w, OK_TAIL);
    end(w, s, 2);
    return;
  }
  tag(w, 14, 0);
  varint(w, 0);
  tag(w, 15, 2);
  const status = begin(w);
  if (error) {
    tag(w, 2, 2);
    string(w, error);
  }
  tag(w, 3, 0);
  varint(w, ERROR);
  end(w, status);
  tag(w, 16, 5);
  fixed32(w, FLAGS);
  end(w, s, 2);
};

/** Appends `span` as `ScopeSpans.spans` (field 2). */
export const writeRunSpan = (w: ProtoWriter, span: RunSpan) => {
  const s = beginSpan(
    w,
    span.traceId,
    span.spanId,
    span.parentSpanId,
    span.name,
    span.kind,
    span.start,
    span.end,
  );
  attributes(w, span.attributes, 9);
  tag(w, 10, 0);
  varint(w, 0);
  for (const e of span.events) writeEvent(w, e);
  writeLinks(w, span.traceId, span.links);
  endSpan(w, s, span.error);
};
