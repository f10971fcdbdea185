import type { Signal } from '@laneflow/core';
import {
  type HrTime,
  type Link,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RunSpan } from './run-spans.ts';

/**
 * What crosses from the server's thread to the exporter's thread: plain data that structured clone
 * copies as it is. A span's `spanContext()` method, trace state and resource do not cross;
 * the exporter's side rebuilds them.
 */
export interface WireContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: string;
}

/** An SDK span (the API's HTTP server spans), as plain data. */
export type WireSpan = Omit<ReadableSpan, 'spanContext' | 'parentSpanContext' | 'links' | 'resource'> & {
  context: WireContext;
  parent?: WireContext;
  links: Array<Omit<Link, 'context'> & { context: WireContext }>;
};

/**
 * One message to the exporter's thread: committed signal batches in commit order, each applied (its
 * spans are emitted) or replayed (a run's earlier signals, to rebuild its open spans), and ended
 * HTTP server spans.
 */
export interface SpanBatch {
  signals: Array<{ replay: boolean; batch: readonly Signal[] }>;
  http: WireSpan[];
}

const toContext = (c: SpanContext): WireContext => ({
  traceId: c.traceId,
  spanId: c.spanId,
  traceFlags: c.traceFlags,
  ...(c.isRemote && { isRemote: true }),
  ...(c.traceState && { traceState: c.traceState.serialize() }),
});

const fromContext = (c: WireContext): SpanContext => ({
  traceId: c.traceId,
  spanId: c.spanId,
  traceFlags: c.traceFlags,
  ...(c.isRemote && { isRemote: true }),
  ...(c.traceState !== undefined && { traceState: new TraceState(c.traceState) }),
});

export const toWire = (s: ReadableSpan): WireSpan => ({
  name: s.name,
  kind: s.kind,
  context: toContext(s.spanContext()),
  ...(s.parentSpanContext && { parent: toContext(s.parentSpanContext) }),
  startTime: s.startTime,
  endTime: s.endTime,
  duration: s.duration,
  status: s.status,
  attributes: s.attributes,
  links: s.links.map((l) => ({ ...l, context: toContext(l.context) })),
  events: s.events,
  ended: s.ended,
  instrumentationScope: s.instrumentationScope,
  droppedAttributesCount: s.droppedAttributesCount,
  droppedEventsCount: s.droppedEventsCount,
  droppedLinksCount: s.droppedLinksCount,
});

export const fromWire = (w: WireSpan, resource: Resource): ReadableSpan => {
  const { context, parent, links, ...rest } = w;
  const ctx = fromContext(context);
  return {
    ...rest,
    spanContext: () => ctx,
    ...(parent && { parentSpanContext: fromContext(parent) }),
    links: links.map((l) => ({ ...l, context: fromContext(l.context) })),
    resource,
  };
};

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** A run span as the batch processor takes it: a finished span record, no tracer involved. */
export const fromRunSpan = (
  s: RunSpan,
  resource: Resource,
  scope: { name: string; version: string },
): ReadableSpan => {
  const ref = (spanId: string) => ({ traceId: s.traceId, spanId, traceFlags: TraceFlags.SAMPLED });
  const context = ref(s.spanId);
  return {
    name: s.name,
    kind: s.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
    spanContext: () => context,
    parentSpanContext: s.parentSpanId ? ref(s.parentSpanId) : undefined,
    startTime: hrTime(s.start),
    endTime: hrTime(s.end),
    duration: hrTime(s.end - s.start),
    status:
      s.error !== undefined
        ? { code: SpanStatusCode.ERROR, message: s.error }
        : { code: SpanStatusCode.UNSET },
    attributes: s.attributes,
    links: s.links.map((l): Link => ({ context: ref(l.spanId), attributes: l.attributes })),
    events: s.events.map((e) => ({ name: e.name, time: hrTime(e.time), attributes: e.attributes })),
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
};
