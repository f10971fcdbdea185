/**
 * A local OTLP/HTTP trace receiver: decodes the protobuf or JSON requests an exporter sends to
 * `/v1/traces` (protobuf with the OTLP schema in `otlp-trace.proto`, read into OTLP/JSON's shape).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

const ExportRequest = protobuf
  .loadSync(new URL('./otlp-trace.proto', import.meta.url).pathname)
  .lookupType('otlp.ExportTraceServiceRequest');
/** A protobuf request as OTLP/JSON writes it: ids in hex, 64-bit integers as strings. */
const protobufAsJson = (body: Buffer) => {
  const hexIds = (_key: string, v: unknown) =>
    v instanceof Uint8Array || Buffer.isBuffer(v) ? Buffer.from(v).toString('hex') : v;
  const doc = ExportRequest.toObject(ExportRequest.decode(body), { longs: String, bytes: Buffer });
  return JSON.parse(
    JSON.stringify(doc, function (this: Record<string, unknown>, key) {
      return hexIds(key, this[key]);
    }),
  );
};

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};
type KeyValue = { key: string; value: AnyValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  start: bigint;
  end: bigint;
  attributes: Record<string, string | number | boolean>;
  events: Array<{ name: string; attributes: Record<string, string | number | boolean> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, string | number | boolean> }>;
  status: { code?: number; message?: string };
  resource: Record<string, string | number | boolean>;
}

const value = (v: AnyValue): string | number | boolean =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue ?? ''));
const attrs = (kvs: KeyValue[] | undefined) =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, value(kv.value)]));

/** OTLP/JSON ids are hex strings; an empty parent id means a root span. */
const decode = (body: {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: Array<Record<string, never>> }>;
  }>;
}): ReceivedSpan[] =>
  (body.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s: Record<string, unknown>) => ({
        traceId: s.traceId as string,
        spanId: s.spanId as string,
        ...(s.parentSpanId ? { parentSpanId: s.parentSpanId as string } : {}),
        name: s.name as string,
        kind: s.kind as number,
        start: BigInt(s.startTimeUnixNano as string),
        end: BigInt(s.endTimeUnixNano as string),
        attributes: attrs(s.attributes as KeyValue[]),
        events: ((s.events as Array<{ name: string; attributes?: KeyValue[] }>) ?? []).map((e) => ({
          name: e.name,
          attributes: attrs(e.attributes),
        })),
        links: ((s.links as Array<{ traceId: string; spanId: string; attributes?: KeyValue[] }>) ?? []).map(
          (l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: attrs(l.attributes) }),
        ),
        status: (s.status as ReceivedSpan['status']) ?? {},
        resource: attrs(rs.resource?.attributes),
      })),
    ),
  );

export const startOtlpReceiver = async () => {
  const spans: ReceivedSpan[] = [];
  /** Spans per request, in the order the requests came. */
  const requests: number[] = [];
  const contentTypes = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = String(req.headers['content-type']);
      contentTypes.add(type);
      if (req.url !== '/v1/traces') return void res.writeHead(404).end();
      const body = Buffer.concat(chunks);
      const received = decode(
        type.startsWith('application/json') ? JSON.parse(body.toString()) : protobufAsJson(body),
      );
      spans.push(...received);
      requests.push(received.length);
      if (type.startsWith('application/json'))
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      // An empty ExportTraceServiceResponse: everything was accepted.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter adds `/v1/traces`). */
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    requests,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
