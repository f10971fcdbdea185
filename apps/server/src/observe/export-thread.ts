import { Worker } from 'node:worker_threads';
import type { Signal } from '@laneflow/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { FromExporter, ToExporter } from './export-worker.ts';
import type { Logger } from './log.ts';
import { type SpanBatch, toWire, type WireSpan } from './span-wire.ts';

/** Signal batches and spans waiting for the next post are sent at once beyond this many. */
const MAX_PENDING = 256;

/**
 * The exporter's thread (`export-worker`). The built server runs `export-worker.js` beside its
 * bundle; from the source (tsx: tests, development) the thread registers tsx before importing the
 * `.ts` entry, since Node 20 does not carry the parent's module hooks into a worker.
 */
const startWorker = (env: NodeJS.ProcessEnv, version: string) => {
  const options = { env, workerData: { version } };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./export-worker.js', import.meta.url), options);
  const entry = JSON.stringify(new URL('./export-worker.ts', import.meta.url).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); })`, {
    ...options,
    eval: true,
  });
};

/**
 * Hands committed signal batches and ended HTTP spans to the exporter's thread: they collect until
 * the event loop's next turn and cross as one message, so a commit pays for copying its signals,
 * not for building, encoding and sending spans.
 */
export const startExportThread = (o: { env: NodeJS.ProcessEnv; version: string; log: Logger }) => {
  const worker = startWorker(o.env, o.version);
  // An idle exporter does not keep the process alive; shutdown holds it until the last export.
  worker.unref();
  let failed = false;
  worker.on('error', (err) => {
    failed = true;
    o.log.warn({ err: err.message }, 'tracing: the exporter thread failed; spans are no longer exported');
  });
  let signals: SpanBatch['signals'] = [];
  let http: WireSpan[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let closing: Promise<void> | undefined;

  const post = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (!failed && (signals.length > 0 || http.length > 0))
      worker.postMessage({ signals, http } satisfies ToExporter);
    signals = [];
    http = [];
  };
  const added = () => {
    if (signals.length + http.length >= MAX_PENDING) post();
    else scheduled ??= setImmediate(post);
  };

  /** Requests in flight to the thread, by id; its answers resolve them. */
  const asked = new Map<number, (answer: FromExporter | undefined) => void>();
  let nextId = 0;
  worker.on('message', (a: FromExporter) => {
    asked.get(a.id)?.(a);
    asked.delete(a.id);
  });
  worker.once('exit', () => {
    for (const resolve of asked.values()) resolve(undefined);
    asked.clear();
  });
  /** Sends what is pending, then has the thread export everything it holds. */
  const ask = async (what: 'flush' | 'shutdown') => {
    post();
    if (failed) return;
    const id = nextId++;
    worker.ref();
    const answer = await new Promise<FromExporter | undefined>((resolve) => {
      asked.set(id, resolve);
      worker.postMessage({ ask: what, id } satisfies ToExporter);
    });
    if (asked.size === 0) worker.unref();
    if (answer?.error) o.log.warn({ err: answer.error }, 'tracing: export failed');
  };
  const close = async () => {
    await ask('shutdown');
    await worker.terminate();
  };

  return {
    /** A committed batch: its spans are built and exported there; `replay` only rebuilds them. */
    signals(batch: readonly Signal[], replay = false) {
      if (closing) return;
      signals.push({ replay, batch });
      added();
    },
    http(span: ReadableSpan) {
      if (closing) return;
      http.push(toWire(span));
      added();
    },
    /** Resolves once every span handed over so far is exported (or its export failed). */
    flush: () => closing ?? ask('flush'),
    /** Sends what is pending, waits for the thread's last export, and ends the thread. */
    shutdown: () => {
      closing ??= close();
      return closing;
    },
  };
};
