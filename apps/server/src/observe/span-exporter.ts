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
import type { RunSpan } from './run-spans.ts';
import { fromRunSpan, fromWire, type WireSpan } from './span-wire.ts';

/**
 * The OpenTelemetry batch processor and OTLP/HTTP exporter (protobuf, or JSON with
 * `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`), configured by the standard `OTEL_*` variables of this
 * thread's environment, taking spans as plain records. The server runs it in the exporter's thread
 * (`export-worker`).
 */
export const createSpanExporter = (version: string) => {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'laneflow', [ATTR_SERVICE_VERSION]: version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const protocol =
    process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf';
  const batch = new BatchSpanProcessor(
    protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter(),
  );
  const scope = { name: 'laneflow', version };
  return {
    run: (span: RunSpan) => batch.onEnd(fromRunSpan(span, resource, scope)),
    http: (span: WireSpan) => batch.onEnd(fromWire(span, resource)),
    flush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
};
