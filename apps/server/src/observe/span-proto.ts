/**
 * Run spans written straight to OTLP protobuf (`ExportTraceServiceRequest`), field for field as the
 * OpenTelemetry serializer writes an SDK span, without making an SDK span first. An export request
 * is one resource and one scope around the spans, so each span is written once, when it ends, and
 * the request's frame is added when its batch is sent.
 */
import type { AttributeValue } from '@opentelemetry/api';
import { attribute, attributes, keyField } from './attribute-proto.ts';
import {
  begin,
  bytes,
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
import type { ModelCall, RunSpan } from './run-spans.ts';

/** Span flags: sampled, and "whether the parent is remote" is known (it is not). */
const FLAGS = 0x101;
const ERROR = 2;
const KIND = { internal: 1, client: 3 } as const;

/**
 * Starts `ScopeSpans.spans` (field 2) with the span's ids, name, kind and times; returns where it
 * began, for {@link endSpan}.
 */
const beginSpan = (
  w: ProtoWriter,
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  name: string,
  kind: RunSpan['kind'],
  start: number,
  end: number,
) => {
  tag(w, 2, 2);
  const s = begin(w, 2);
  tag(w, 1, 2);
  hexBytes(w, traceId);
  tag(w, 2, 2);
  hexBytes(w, spanId);
  if (parentSpanId) {
    tag(w, 4, 2);
    hexBytes(w, parentSpanId);
  }
  tag(w, 5, 2);
  string(w, name);
  tag(w, 6, 0);
  varint(w, KIND[kind]);
  tag(w, 7, 1);
  fixed64Nanos(w, start);
  tag(w, 8, 1);
  fixed64Nanos(w, end);
  return s;
};

/** Ends the span {@link beginSpan} began with its status and flags. */
const endSpan = (w: ProtoWriter, s: number, error: string | undefined) => {
  tag(w, 14, 0);
  varint(w, 0);
  tag(w, 15, 2);
  const status = begin(w);
  if (error) {
    tag(w, 2, 2);
    string(w, error);
  }
  tag(w, 3, 0);
  varint(w, error !== undefined ? ERROR : 0);
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
  endSpan(w, s, span.error);
};

/** The model-call span's keys, in the order {@link modelCallSpan} gives its attributes. */
const K = {
  operation: keyField('gen_ai.operation.name'),
  provider: keyField('gen_ai.provider.name'),
  model: keyField('gen_ai.request.model'),
  input: keyField('gen_ai.usage.input_tokens'),
  output: keyField('gen_ai.usage.output_tokens'),
  tier: keyField('laneflow.tier'),
  cost: keyField('laneflow.cost_usd'),
  run: keyField('laneflow.run.id'),
  node: keyField('laneflow.node.id'),
  attempt: keyField('laneflow.attempt'),
};

/**
 * Appends a model call as `ScopeSpans.spans`: the bytes {@link writeRunSpan} writes for its
 * {@link modelCallSpan}, without making the span and its attribute record first (half of a run's
 * spans are model calls).
 */
export const writeModelCall = (w: ProtoWriter, c: ModelCall) => {
  const u = c.usage;
  const s = beginSpan(w, c.traceId, c.spanId, c.parentSpanId, `chat ${u.model}`, 'client', c.start, c.end);
  attribute(w, 9, K.operation, 'chat');
  attribute(w, 9, K.provider, c.provider);
  attribute(w, 9, K.model, u.model);
  attribute(w, 9, K.input, u.inputTokens);
  attribute(w, 9, K.output, u.outputTokens);
  attribute(w, 9, K.tier, u.tier);
  attribute(w, 9, K.cost, u.costUsd);
  attribute(w, 9, K.run, u.runId);
  attribute(w, 9, K.node, u.nodeId);
  attribute(w, 9, K.attempt, u.attempt);
  tag(w, 10, 0);
  varint(w, 0);
  tag(w, 12, 0);
  varint(w, 0);
  endSpan(w, s, undefined);
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
