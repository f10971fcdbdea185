/**
 * Run spans written straight to OTLP protobuf (`ExportTraceServiceRequest`), field for field as the
 * OpenTelemetry serializer writes an SDK span, without making an SDK span first. An export request
 * is one resource and one scope around the spans, so each span is written once, when it ends, and
 * the request's frame is added when its batch is sent.
 */
import type { AttributeValue } from '@opentelemetry/api';
import {
  begin,
  bytes,
  double,
  end,
  fixed32,
  fixed64Nanos,
  hexBytes,
  type ProtoWriter,
  protoWriter,
  string,
  tag,
  varint,
  varintSize,
  written,
} from './proto-writer.ts';
import type { RunSpan } from './run-spans.ts';

/** Span flags: sampled, and "whether the parent is remote" is known (it is not). */
const FLAGS = 0x101;
const ERROR = 2;
const KIND = { internal: 1, client: 3 } as const;

const value = (w: ProtoWriter, v: AttributeValue) => {
  if (typeof v === 'string') {
    tag(w, 1, 2);
    string(w, v);
  } else if (typeof v === 'boolean') {
    tag(w, 2, 0);
    varint(w, v ? 1 : 0);
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) {
      tag(w, 3, 0);
      varint(w, v);
    } else {
      tag(w, 4, 1);
      double(w, v);
    }
  } else if (Array.isArray(v)) {
    tag(w, 5, 2);
    const list = begin(w);
    for (const item of v) {
      tag(w, 1, 2);
      const at = begin(w);
      if (item !== null && item !== undefined) value(w, item);
      end(w, at);
    }
    end(w, list);
  }
};

/** Each attribute as a repeated `KeyValue` under `field`. */
const attributes = (
  w: ProtoWriter,
  attrs: Readonly<Record<string, AttributeValue | undefined>>,
  field: number,
) => {
  for (const key in attrs) {
    const v = attrs[key];
    tag(w, field, 2);
    const kv = begin(w);
    tag(w, 1, 2);
    string(w, key);
    tag(w, 2, 2);
    const any = begin(w);
    if (v !== undefined) value(w, v);
    end(w, any);
    end(w, kv);
  }
};

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

export interface ExportScope {
  resource: { attributes: Readonly<Record<string, AttributeValue | undefined>>; schemaUrl?: string };
  scope: { name: string; version?: string };
}

/**
 * The frame of an export request around spans written by {@link writeRunSpan}: the request's
 * `ResourceSpans` with the resource, and its `ScopeSpans` with the scope, whose last field the spans
 * are. Returns a function from the spans' bytes to the request's.
 */
export const requestFrame = ({ resource, scope }: ExportScope) => {
  const w = protoWriter(1024);
  tag(w, 1, 2);
  const r = begin(w);
  attributes(w, resource.attributes, 1);
  tag(w, 2, 0);
  varint(w, 0);
  end(w, r);
  const resourceField = Buffer.from(written(w));
  w.pos = 0;
  tag(w, 1, 2);
  const sc = begin(w);
  tag(w, 1, 2);
  string(w, scope.name);
  if (scope.version) {
    tag(w, 2, 2);
    string(w, scope.version);
  }
  end(w, sc);
  const scopeField = Buffer.from(written(w));
  const schemaUrl = protoWriter(256);
  if (resource.schemaUrl) {
    tag(schemaUrl, 3, 2);
    string(schemaUrl, resource.schemaUrl);
  }
  const schemaField = Buffer.from(written(schemaUrl));

  return (spans: Uint8Array): Uint8Array => {
    const h = protoWriter(resourceField.length + scopeField.length + 32);
    const scopeSpans = scopeField.length + spans.length;
    const resourceSpans = resourceField.length + 1 + varintSize(scopeSpans) + scopeSpans + schemaField.length;
    tag(h, 1, 2);
    varint(h, resourceSpans);
    bytes(h, resourceField);
    tag(h, 2, 2);
    varint(h, scopeSpans);
    bytes(h, scopeField);
    return Buffer.concat([written(h), spans, schemaField]);
  };
};
