/**
 * The trace exporter's thread: a {@link createSpanExporter} fed with the span batches the server's
 * thread posts; asked to flush or shut down, it exports what it holds and answers with the request's
 * id. Encoding and sending spans is most of what tracing costs, so it runs here rather than beside
 * the commits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSpanExporter } from './span-exporter.ts';
import type { SpanBatch } from './span-wire.ts';

export type ToExporter = SpanBatch | { ask: 'flush' | 'shutdown'; id: number };
export type FromExporter = { id: number; error?: string };

const port = parentPort;
if (!port) throw new Error('export-worker runs as a worker thread');
const exporter = createSpanExporter((workerData as { version: string }).version);

port.on('message', (m: ToExporter) => {
  if ('ask' in m) {
    const answer = (error?: string) =>
      port.postMessage({ id: m.id, ...(error && { error }) } satisfies FromExporter);
    (m.ask === 'flush' ? exporter.flush() : exporter.shutdown()).then(
      () => answer(),
      (err: Error) => answer(err.message),
    );
    return;
  }
  for (const s of m.run) exporter.run(s);
  for (const s of m.http) exporter.http(s);
});
