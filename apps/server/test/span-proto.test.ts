// Run spans written straight to OTLP protobuf are byte for byte what the OpenTelemetry serializer
// writes for the same spans made into SDK spans: any span, any batch, any resource.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Attempt, attemptSpan } from '../src/observe/attempt-span.ts';
import { type ModelCall, modelCallSpan } from '../src/observe/model-call.ts';
import { type ProtoWriter, protoWriter, written } from '../src/observe/proto-writer.ts';
import { writeAttempt, writeModelCall } from '../src/observe/record-proto.ts';
import { requestFrame } from '../src/observe/request-frame.ts';
import type { RunSpan } from '../src/observe/run-spans.ts';
import { fromRunSpan } from '../src/observe/sdk-span.ts';
import { writeRunSpan } from '../src/observe/span-proto.ts';

const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const attrValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.boolean(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true }),
  fc.constantFrom(-1, 0, 2 ** 53, 0.1, 1e-9),
);
const attributes = fc.dictionary(fc.string({ minLength: 1, maxLength: 30 }), attrValue, { maxKeys: 12 });
// Epoch milliseconds from 1970 to 2200, whole and fractional.
const time = fc.oneof(
  fc.integer({ min: 0, max: 7_258_118_400_000 }),
  fc.double({ min: 0, max: 7e12, noNaN: true }),
);
const span: fc.Arbitrary<RunSpan> = fc
  .record({
    name: fc.string({ unit: 'grapheme', maxLength: 60 }),
    kind: fc.constantFrom('internal' as const, 'client' as const),
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: fc.option(hex(8), { nil: undefined }),
    start: time,
    length: fc.integer({ min: 0, max: 86_400_000 }),
    attributes,
    events: fc.array(fc.record({ name: fc.string(), time, attributes }), { maxLength: 4 }),
    links: fc.array(fc.record({ spanId: hex(8), attributes }), { maxLength: 2 }),
    error: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
  })
  .map(({ length, parentSpanId, error, ...s }) => ({
    ...s,
    end: s.start + length,
    ...(parentSpanId && { parentSpanId }),
    ...(error !== undefined && { error }),
  }));

const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const attempt: fc.Arbitrary<Attempt> = fc
  .record({
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: hex(8),
    runId: text,
    nodeId: text,
    attempt: fc.integer({ min: 1, max: 2 ** 31 }),
    tier: fc.nat(),
    dagId: maybe(text),
    tierName: maybe(text),
    label: maybe(text),
    parentId: maybe(text),
    spawnReason: maybe(text),
    model: maybe(text),
    start: time,
    length: fc.integer({ min: 0, max: 86_400_000 }),
    started: maybe(fc.tuple(time, fc.nat())),
    events: fc.array(fc.record({ name: fc.string(), time, attributes }), { maxLength: 3 }),
    links: fc.array(fc.record({ spanId: hex(8), attributes }), { maxLength: 2 }),
    lane: maybe(text),
    elapsedMs: maybe(fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e9, noNaN: true }))),
    errorType: maybe(text),
    willRetry: maybe(fc.boolean()),
    skipReason: maybe(text),
    error: maybe(fc.string({ maxLength: 200 })),
  })
  .map(({ length, started, ...a }) => ({
    ...a,
    last: a.start,
    end: a.start + length,
    startedAt: started?.[0],
    startedAfter: started ? started[1] % (a.events.length + 1) : 0,
  }));

const modelCall: fc.Arbitrary<ModelCall> = fc
  .record({
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: hex(8),
    start: time,
    length: fc.integer({ min: 0, max: 600_000 }),
    provider: text,
    runId: text,
    nodeId: text,
    model: text,
    attempt: fc.integer({ min: 1, max: 2 ** 31 }),
    tier: fc.nat(),
    inputTokens: fc.oneof(fc.nat(), fc.maxSafeNat()),
    outputTokens: fc.nat(),
    costUsd: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
  })
  .map(({ length, runId, nodeId, attempt, tier, model, inputTokens, outputTokens, costUsd, ...c }) => ({
    ...c,
    end: c.start + length,
    usage: {
      type: 'usage' as const,
      seq: 1,
      at: '2026-01-01T00:00:00.000Z',
      runId,
      nodeId,
      attempt,
      tier,
      model,
      inputTokens,
      outputTokens,
      costUsd,
    },
  }));

/** Records written straight to protobuf are byte for byte the spans they make, written generically. */
const writesAsItsSpan = <T>(
  record: fc.Arbitrary<T>,
  write: (w: ProtoWriter, r: T) => void,
  spanOf: (r: T) => RunSpan,
) =>
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), (records) => {
      const ours = protoWriter(16);
      const generic = protoWriter(16);
      for (const r of records) {
        write(ours, r);
        writeRunSpan(generic, spanOf(r));
      }
      expect(Buffer.from(written(ours)).equals(Buffer.from(written(generic)))).toBe(true);
    }),
    { numRuns: 300 },
  );

describe('run spans in OTLP protobuf', () => {
  it('write a model call as its span', () => writesAsItsSpan(modelCall, writeModelCall, modelCallSpan));

  it('write a node attempt as its span', () => writesAsItsSpan(attempt, writeAttempt, attemptSpan));

  it('are what the OpenTelemetry serializer writes for the same spans', () => {
    fc.assert(
      fc.property(
        fc.array(span, { minLength: 1, maxLength: 8 }),
        fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        (spans, resourceAttrs, version) => {
          const resource = resourceFromAttributes({ ...resourceAttrs, 'service.name': 'laneflow' });
          // One scope object: the serializer groups spans by the identity of their scope.
          const scope = { name: 'laneflow', version: version ?? '' };
          const frame = requestFrame({ resource, scope });
          // A small first buffer, so writing also grows it.
          const w = protoWriter(16);
          w.pos = frame.reserve;
          for (const s of spans) writeRunSpan(w, s);
          const ours = frame.finish(w);
          const theirs = ProtobufTraceSerializer.serializeRequest(
            spans.map((s) => fromRunSpan(s, resource, scope)),
          );
          expect(Buffer.from(ours).equals(Buffer.from(theirs as Uint8Array))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
