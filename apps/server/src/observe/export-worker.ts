/**
 * The trace exporter's thread: the OpenTelemetry batch processor and OTLP/HTTP exporter (protobuf, or
 * JSON with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`), configured by the standard `OTEL_*` variables
 * of the environment it was started with. It takes span batches from the server's thread; asked to
 * flush or shut down, it exports what it holds and answers with the request's id. Encoding and sending spans is most
 * of what tracing costs, so it runs here rather than beside the commits.
 */
import { parentPort, workerData } from 'node:worker_threads';
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
import { fromRunSpan, fromWire, type SpanBatch } from './span-wire.ts';

export type ToExporter = SpanBatch | { ask: 'flush' | 'shutdown'; id: number };
export type FromExporter = { id: number; error?: string };

const port = parentPort;
if (!port) throw new Error('export-worker runs as a worker thread');
const { version } = workerData as { version: string };

const resource = defaultResource()
  .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'laneflow', [ATTR_SERVICE_VERSION]: version }))
  .merge(detectResources({ detectors: [envDetector] }));
const protocol =
  process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
  process.env.OTEL_EXPORTER_OTLP_PROTOCOL ??
  'http/protobuf';
const batch = new BatchSpanProcessor(protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter());
const scope = { name: 'laneflow', version };

port.on('message', (m: ToExporter) => {
  if ('ask' in m) {
    const answer = (error?: string) =>
      port.postMessage({ id: m.id, ...(error && { error }) } satisfies FromExporter);
    (m.ask === 'flush' ? batch.forceFlush() : batch.shutdown()).then(
      () => answer(),
      (err: Error) => answer(err.message),
    );
    return;
  }
  for (const s of m.run) batch.onEnd(fromRunSpan(s, resource, scope));
  for (const s of m.http) batch.onEnd(fromWire(s, resource));
});
