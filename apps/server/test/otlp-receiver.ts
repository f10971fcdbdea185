/** A local OTLP/HTTP trace receiver: decodes the JSON requests an exporter sends to `/v1/traces`. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const contentTypes = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      contentTypes.add(String(req.headers['content-type']));
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json'))
        spans.push(...decode(JSON.parse(Buffer.concat(chunks).toString())));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter adds `/v1/traces`). */
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
