/**
 * An OTLP/HTTP trace sink for the observability bench, in its own process so its work is not the
 * measured process's: it reads each request, counts the spans of JSON payloads and answers 200.
 * Prints `listening <url>` once up; on SIGTERM prints `spans <n> requests <n> bytes <n>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let spans = 0;
let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    requests++;
    bytes += body.length;
    // Spans are counted in JSON payloads; protobuf ones are only received.
    if (req.headers['content-type']?.startsWith('application/json')) {
      const doc = JSON.parse(body.toString()) as {
        resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }>;
      };
      for (const rs of doc.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  process.stdout.write(`spans ${spans} requests ${requests} bytes ${bytes}\n`);
  process.exit(0);
});
