import { httpInstrumentationMiddleware } from '@hono/otel';
import type { Signal } from '@laneflow/core';
import { type Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Logger } from './log.ts';
import { createRunSpans, type RunSpan } from './run-spans.ts';
import { presetIdGenerator, traceIdOf } from './trace-ids.ts';

/**
 * The event stream accepts its token as `?access_token=` (EventSource cannot send headers), and HTTP
 * server spans record the full URL: the token is replaced before the span goes anywhere.
 */
const withoutTokens = (next: SpanProcessor): SpanProcessor => ({
  onStart(span, context) {
    const url = span.attributes['url.full'];
    if (typeof url === 'string' && url.includes('access_token='))
      span.setAttribute('url.full', url.replace(/([?&]access_token=)[^&#]*/g, '$1[redacted]'));
    next.onStart(span, context);
  },
  onEnd: (span) => next.onEnd(span),
  forceFlush: () => next.forceFlush(),
  shutdown: () => next.shutdown(),
});

/** True when the standard OpenTelemetry variables ask for traces to be exported. */
export const tracingWanted = (env: NodeJS.ProcessEnv): boolean =>
  Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT) &&
  env.OTEL_SDK_DISABLED !== 'true' &&
  env.OTEL_TRACES_EXPORTER !== 'none';

/**
 * Runs as OpenTelemetry traces, exported over OTLP/HTTP (JSON) in batches, configured by the standard
 * `OTEL_*` variables (endpoint, headers, service name and resource attributes, sampler, batch
 * delays); undefined when no OTLP endpoint is set. Spans are built from committed signals
 * ({@link createRunSpans}); a batch of a run this process has not seen begin (resumed after a crash,
 * or moved here from another process) first replays the run's earlier signals from `history`.
 */
export const createTracing = (o: {
  env: NodeJS.ProcessEnv;
  version: string;
  history: (runId: string, before: number) => Promise<Signal[]>;
  log: Logger;
}) => {
  if (!tracingWanted(o.env)) return undefined;
  const ids = presetIdGenerator();
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'laneflow', [ATTR_SERVICE_VERSION]: o.version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    idGenerator: ids.generator,
    spanProcessors: [withoutTokens(new BatchSpanProcessor(new OTLPTraceExporter()))],
  });
  const tracer = provider.getTracer('laneflow', o.version);

  const export1 = (s: RunSpan) => {
    const ref = (spanId: string) => ({ traceId: s.traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    const parent = s.parentSpanId
      ? trace.setSpanContext(ROOT_CONTEXT, { ...ref(s.parentSpanId), isRemote: false })
      : ROOT_CONTEXT;
    ids.next({ traceId: s.traceId, spanId: s.spanId });
    const span = tracer.startSpan(
      s.name,
      {
        kind: s.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: s.start,
        attributes: s.attributes,
        links: s.links.map((l): Link => ({ context: ref(l.spanId), attributes: l.attributes })),
      },
      parent,
    );
    ids.clear();
    for (const e of s.events) span.addEvent(e.name, e.attributes, e.time);
    if (s.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: s.error });
    span.end(s.end);
  };
  const spans = createRunSpans(export1);

  /** Batches of runs whose earlier signals are being read, in commit order. */
  const waiting = new Map<string, Array<readonly Signal[]>>();
  const catchUp = async (runId: string, before: number) => {
    try {
      spans.replay(await o.history(runId, before));
    } catch (err) {
      o.log.warn({ runId, err: (err as Error).message }, 'tracing: cannot read the run’s earlier signals');
    }
    for (const b of waiting.get(runId) ?? []) spans.apply(b);
    waiting.delete(runId);
  };

  return {
    traceIdOf,
    /** HTTP server spans for the API (`@hono/otel`), on this provider. */
    http: httpInstrumentationMiddleware({ tracerProvider: provider }),
    onCommitted(runId: string, batch: readonly Signal[]) {
      const first = batch[0];
      if (!first) return;
      const queued = waiting.get(runId);
      if (queued) queued.push(batch);
      else if (first.seq === 1 || spans.knows(runId)) spans.apply(batch);
      else {
        waiting.set(runId, [batch]);
        void catchUp(runId, first.seq);
      }
    },
    /** Exports what is buffered and stops; an export that fails is logged, not thrown. */
    shutdown: () =>
      provider
        .shutdown()
        .catch((err: Error) => o.log.warn({ err: err.message }, 'tracing: last export failed')),
  };
};

export type Tracing = NonNullable<ReturnType<typeof createTracing>>;
