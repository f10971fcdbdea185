/**
 * The trace exporter's thread: builds run spans from the committed signal batches the server's
 * thread posts ({@link createRunSpans}) and exports them, with the HTTP server spans it posts,
 * through a {@link createSpanExporter}; asked to flush or shut down, it exports what it holds and
 * answers with the request's id. Building, encoding and sending spans is what tracing costs, so it
 * runs here rather than beside the commits, which pay only for copying their signals over.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRunSpans } from './run-spans.ts';
import { createSpanExporter } from './span-exporter.ts';
import type { SpanBatch } from './span-wire.ts';

export type ToExporter = SpanBatch | { ask: 'flush' | 'shutdown'; id: number };
export type FromExporter = { id: number; error?: string };

const port = parentPort;
if (!port) throw new Error('export-worker runs as a worker thread');
const exporter = createSpanExporter((workerData as { version: string }).version);
const spans = createRunSpans(exporter.run);

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
  for (const { replay, batch } of m.signals) (replay ? spans.replay : spans.apply)(batch);
  for (const s of m.http) exporter.http(s);
});
