import { httpInstrumentationMiddleware } from '@hono/otel';
import type { Signal } from '@laneflow/core';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  SamplingDecision,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { Logger } from './log.ts';
import { createRunSpans } from './run-spans.ts';
import { createSpanExporter } from './span-exporter.ts';
import { traceIdOf } from './trace-ids.ts';

/**
 * `OTEL_TRACES_SAMPLER` for run spans, decided on the trace id alone so a run is kept or dropped
 * whole: `always_off` / `parentbased_always_off` keep none, `traceidratio` /
 * `parentbased_traceidratio` keep the `OTEL_TRACES_SAMPLER_ARG` share, anything else keeps all.
 */
const runSampler = (env: NodeJS.ProcessEnv): ((traceId: string) => boolean) => {
  const name = env.OTEL_TRACES_SAMPLER ?? '';
  if (name === 'always_off' || name === 'parentbased_always_off') return () => false;
  if (name !== 'traceidratio' && name !== 'parentbased_traceidratio') return () => true;
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  const ratio = new TraceIdRatioBasedSampler(Number.isFinite(arg) ? arg : 1);
  return (traceId) =>
    ratio.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
};

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
 * Runs as OpenTelemetry traces, exported over OTLP/HTTP in batches (protobuf, or JSON with
 * `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`), configured by the standard `OTEL_*` variables
 * (endpoint, headers, protocol, service name and resource attributes, sampler, batch delays);
 * undefined when no OTLP endpoint is set. Spans are built from the committed signals of sampled runs
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
  const exporter = createSpanExporter(o.version, (message) => o.log.warn(`tracing: ${message}`));
  const spans = createRunSpans(exporter.run);
  const provider = new BasicTracerProvider({
    resource: exporter.resource,
    spanProcessors: [withoutTokens(exporter.http)],
  });
  const sampled = runSampler(o.env);
  /** Runs whose spans are open here, and whether each is sampled. */
  const known = new Map<string, boolean>();
  const ended = (s: Signal) =>
    s.type === 'run.succeeded' || s.type === 'run.failed' || s.type === 'run.cancelled';
  const send = (runId: string, batch: readonly Signal[]) => {
    if (known.get(runId)) spans.apply(batch);
    // A run's end is its last signal, so the last of its batch.
    const last = batch[batch.length - 1];
    if (last && ended(last)) known.delete(runId);
  };

  /** Batches of runs whose earlier signals are being read, in commit order. */
  const waiting = new Map<string, Array<readonly Signal[]>>();
  const catchUp = async (runId: string, before: number) => {
    try {
      const keep = sampled(traceIdOf(runId));
      if (keep) spans.replay(await o.history(runId, before));
      known.set(runId, keep);
    } catch (err) {
      o.log.warn({ runId, err: (err as Error).message }, 'tracing: cannot read the run’s earlier signals');
    }
    for (const b of waiting.get(runId) ?? []) send(runId, b);
    waiting.delete(runId);
  };

  const logged = (done: Promise<void>) =>
    done.catch((err: Error) => o.log.warn({ err: err.message }, 'tracing: export failed'));

  return {
    traceIdOf,
    /** HTTP server spans for the API (`@hono/otel`), on this provider. */
    http: httpInstrumentationMiddleware({ tracerProvider: provider }),
    onCommitted(runId: string, batch: readonly Signal[]) {
      const first = batch[0];
      if (!first) return;
      const queued = waiting.get(runId);
      if (queued) queued.push(batch);
      else if (known.has(runId)) send(runId, batch);
      else if (first.seq === 1) {
        known.set(runId, sampled(traceIdOf(runId)));
        send(runId, batch);
      } else {
        waiting.set(runId, [batch]);
        void catchUp(runId, first.seq);
      }
    },
    /** Resolves once every span ended so far is exported (or its export failed). */
    flush: () => logged(exporter.flush()),
    /** Exports what is buffered and stops; an export that fails is logged, not thrown. */
    shutdown: async () => {
      await logged(provider.shutdown());
      await logged(exporter.shutdown());
    },
  };
};

export type Tracing = NonNullable<ReturnType<typeof createTracing>>;
