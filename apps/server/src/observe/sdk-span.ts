import { type HrTime, type Link, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RunSpan } from './run-spans.ts';

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
