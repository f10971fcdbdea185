/**
 * The frame of an OTLP export request around spans written to protobuf: the request's `ResourceSpans`
 * with the resource, and its `ScopeSpans` with the scope, whose last field the spans are.
 */
import type { AttributeValue } from '@opentelemetry/api';
import { attributes } from './attribute-proto.ts';
import {
  begin,
  bytes,
  end,
  type ProtoWriter,
  protoWriter,
  string,
  tag,
  varint,
  varintSize,
  written,
} from './proto-writer.ts';

export interface ExportScope {
  resource: { attributes: Readonly<Record<string, AttributeValue | undefined>>; schemaUrl?: string };
  scope: { name: string; version?: string };
}

/**
 * Spans are written after `reserve` free bytes at the start of a writer; `finish` writes the frame
 * into that room, right before the spans, and the resource's schema URL after them, so the request is
 * one view of the writer's buffer and nothing is copied.
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
  w.pos = 0;
  if (resource.schemaUrl) {
    tag(w, 3, 2);
    string(w, resource.schemaUrl);
  }
  const schemaField = Buffer.from(written(w));
  // Two one-byte tags and two lengths of at most five bytes each.
  const reserve = resourceField.length + scopeField.length + 12;

  return {
    reserve,
    /** The request around the spans written to `spans` after its first `reserve` bytes. */
    finish(spans: ProtoWriter): Uint8Array {
      const spansEnd = spans.pos;
      bytes(spans, schemaField);
      const requestEnd = spans.pos;
      const scopeSpans = scopeField.length + spansEnd - reserve;
      const resourceSpans =
        resourceField.length + 1 + varintSize(scopeSpans) + scopeSpans + schemaField.length;
      const start =
        reserve -
        (2 + varintSize(resourceSpans) + resourceField.length + varintSize(scopeSpans) + scopeField.length);
      spans.pos = start;
      tag(spans, 1, 2);
      varint(spans, resourceSpans);
      bytes(spans, resourceField);
      tag(spans, 2, 2);
      varint(spans, scopeSpans);
      bytes(spans, scopeField);
      spans.pos = requestEnd;
      return spans.buf.subarray(start, requestEnd);
    },
  };
};
