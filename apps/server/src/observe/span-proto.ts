/**
 * Run spans written straight to OTLP protobuf (`ExportTraceServiceRequest`), field for field as the
 * OpenTelemetry serializer writes an SDK span, without making an SDK span first. An export request
 * is one resource and one scope around the spans, so each span is written once, when it ends, and
 * the request's frame is added when its batch is sent (`request-frame.ts`).
 */
import { attributes } from './attribute-proto.ts';
import {
  begin,
  end,
  fixed32,
  fixed64Nanos,
  hexBytes,
  type ProtoWriter,
  string,
  tag,
  varint,
} from './proto-writer.ts';
import type { RunSpan } from './run-spans.ts';

/** Span flags: sampled, and "whether the parent is remote" is known (it is not). */
const FLAGS = 0x101;
const ERROR = 2;
const KIND = { internal: 1, client: 3 } as const;

/** Appends `span` as `ScopeSpans.spans` (field 2). */
export const writeRunSpan = (w: ProtoWriter, span: RunSpan) => {
  tag(w, 2, 2);
  const s = begin(w, 2);
  tag(w, 1, 2);
  hexBytes(w, span.traceId);
  tag(w, 2, 2);
  hexBytes(w, span.spanId);
  if (span.parentSpanId) {
    tag(w, 4, 2);
    hexBytes(w, span.parentSpanId);
  }
  tag(w, 5, 2);
  string(w, span.name);
  tag(w, 6, 0);
  varint(w, KIND[span.kind]);
  tag(w, 7, 1);
  fixed64Nanos(w, span.start);
  tag(w, 8, 1);
  fixed64Nanos(w, span.end);
  attributes(w, span.attributes, 9);
  tag(w, 10, 0);
  varint(w, 0);
  for (const e of span.events) {
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
  }
  tag(w, 12, 0);
  varint(w, 0);
  for (const l of span.links) {
    tag(w, 13, 2);
    const at = begin(w);
    tag(w, 1, 2);
    hexBytes(w, span.traceId);
    tag(w, 2, 2);
    hexBytes(w, l.spanId);
    attributes(w, l.attributes, 4);
    tag(w, 5, 0);
    varint(w, 0);
    tag(w, 6, 5);
    fixed32(w, FLAGS);
    end(w, at);
  }
  tag(w, 14, 0);
  varint(w, 0);
  tag(w, 15, 2);
  const status = begin(w);
  if (span.error) {
    tag(w, 2, 2);
    string(w, span.error);
  }
  tag(w, 3, 0);
  varint(w, span.error !== undefined ? ERROR : 0);
  end(w, status);
  tag(w, 16, 5);
  fixed32(w, FLAGS);
  end(w, s, 2);
};
