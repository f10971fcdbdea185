import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { attemptSpan } from './attempt-span.ts';
import { modelCallSpan } from './model-call.ts';
import type { RunSpanSink } from './run-spans.ts';
import { fromRunSpan } from './sdk-span.ts';
import { createRunSpanBatches } from './span-batches.ts';

/**
 * The OTLP/HTTP export of spans, protobuf or JSON (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`),
 * configured by the standard `OTEL_*` variables. HTTP server spans go through the OpenTelemetry
 * batch processor and exporter (`http`, a span processor); so do run spans in JSON. In protobuf, the
 * default and what a busy server sends, run spans are written to protobuf as they end and sent in
 * batches of bytes ({@link createRunSpanBatches}), a fraction of the cost of making SDK spans.
 * Their failed exports and dropped spans go to `warn`.
 */
/**
 * The resource every span names: laneflow and its version, then what `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES` say.
 */
export const spanResource = (version: string) =>
  defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'laneflow', [ATTR_SERVICE_VERSION]: version }))
    .merge(detectResources({ detectors: [envDetector] }));

export const createSpanExporter = (version: string, warn: (message: string) => void) => {
  const resource = spanResource(version);
  const json =
    (process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL) ===
    'http/json';
  const http = new BatchSpanProcessor(json ? new JsonExporter() : new ProtobufExporter());
  const scope = { name: 'laneflow', version };
  const runs = json ? undefined : createRunSpanBatches({ resource, scope }, warn);
  return {
    resource,
    http,
    run: (runs
      ? { span: runs.add, attempt: runs.addAttempt, modelCall: runs.addModelCall }
      : {
          span: (span) => http.onEnd(fromRunSpan(span, resource, scope)),
          attempt: (a) => http.onEnd(fromRunSpan(attemptSpan(a), resource, scope)),
          modelCall: (c) => http.onEnd(fromRunSpan(modelCallSpan(c), resource, scope)),
        }) satisfies RunSpanSink,
    flush: async () => {
      await Promise.all([http.forceFlush(), runs?.flush()]);
    },
    shutdown: async () => {
      await Promise.all([http.shutdown(), runs?.shutdown()]);
    },
  };
};
