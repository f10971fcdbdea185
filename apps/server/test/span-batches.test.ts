// Run spans wait for export as protobuf bytes and leave as the batch span processor would send them:
// in batches of at most OTEL_BSP_MAX_EXPORT_BATCH_SIZE, on the OTEL_BSP_SCHEDULE_DELAY timer or a
// flush, with spans beyond OTEL_BSP_MAX_QUEUE_SIZE dropped; to a real OTLP/HTTP receiver. Drops and
// failed exports are reported.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSpan } from '../src/observe/run-spans.ts';
import { createRunSpanBatches } from '../src/observe/span-batches.ts';
import { waitFor } from './helpers.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const span = (i: number): RunSpan => ({
  name: `node n${i}`,
  kind: 'internal',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: (i + 1).toString(16).padStart(16, '0'),
  start: Date.UTC(2026, 0, 1) + i,
  end: Date.UTC(2026, 0, 1) + i + 5,
  attributes: { 'laneflow.node.id': `n${i}`, 'laneflow.attempt': 1 },
  events: [],
  links: [],
});

describe('run span batches', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const saved = { ...process.env };
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      OTEL_BSP_MAX_QUEUE_SIZE: '25',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await receiver.close();
  });

  it('sends batches of the configured size, on the timer and on flush, and drops past the queue', async () => {
    const warnings: string[] = [];
    const batches = createRunSpanBatches(
      {
        resource: resourceFromAttributes({ 'service.name': 'batches-under-test' }),
        scope: { name: 'laneflow', version: 'test' },
      },
      (message) => warnings.push(message),
    );
    // Three spans: nothing full, so they leave on the timer.
    for (let i = 0; i < 3; i++) batches.add(span(i));
    expect(receiver.spans).toHaveLength(0);
    await waitFor(() => receiver.spans.length === 3, 'the timer’s batch');
    expect(receiver.requests).toEqual([3]);
    // Until its answer is read, the sent batch still counts against the queue.
    await batches.flush();

    // Thirty at once: the first full batch leaves at once, and the queue holds 25 of them in all
    // until it is sent, so the last five are dropped.
    for (let i = 3; i < 33; i++) batches.add(span(i));
    await batches.flush();
    expect(receiver.requests.slice(1).sort((a, b) => a - b)).toEqual([5, 10, 10]);
    const numbers = receiver.spans.map((s) => Number(s.name.slice(6))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 28 }, (_, i) => i));
    expect(warnings).toEqual(['run spans: the export queue is full, dropping spans']);
    expect(receiver.spans[5]).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: '0000000000000006',
      attributes: { 'laneflow.node.id': 'n5', 'laneflow.attempt': 1 },
      resource: { 'service.name': 'batches-under-test' },
    });

    // After the drop, spans are taken again; shutdown sends what waits and takes no more.
    batches.add(span(100));
    expect(warnings[1]).toBe('run spans: dropped 5 spans because the export queue was full');
    await batches.shutdown();
    batches.add(span(101));
    expect(receiver.spans.at(-1)?.name).toBe('node n100');
  });

  it('reports an export the collector refuses', async () => {
    const refusing = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400).end());
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const warnings: string[] = [];
    const batches = createRunSpanBatches(
      { resource: resourceFromAttributes({}), scope: { name: 'laneflow' } },
      (message) => warnings.push(message),
    );
    try {
      batches.add(span(0));
      const warning = await waitFor(() => warnings[0], 'the warning');
      expect(warning).toBe('run spans: export failed: Bad Request');
    } finally {
      await batches.shutdown().catch(() => {});
      refusing.close();
    }
  });
});
