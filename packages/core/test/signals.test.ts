import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isNodeSignal,
  makeSignal,
  parseSignal,
  parseSignalOrThrow,
  type Signal,
  type SignalOf,
  SignalParseError,
  SignalSchema,
  type SignalType,
  signalSchemas,
  signalTypes,
  withSeq,
} from '../src/index.ts';
import { signalArb, signalArbs } from './arbitraries.ts';
import { request } from './builders.ts';

const runBase = { runId: 'run-1', seq: 7, at: '2025-03-01T12:00:00.123Z' };
const nodeBase = { ...runBase, nodeId: 'summarise', attempt: 2 };
const tier = {
  name: 'small',
  provider: 'sim',
  model: 'sim-small',
  costPer1kInput: 0.1,
  costPer1kOutput: 0.2,
};

/** One hand-written, valid example per signal type; the mapped type makes the table complete. */
const examples: { [T in SignalType]: SignalOf<T> } = {
  'run.started': { type: 'run.started', ...runBase, dagId: 'dag-1', ladder: [tier] },
  'run.succeeded': { type: 'run.succeeded', ...runBase },
  'run.failed': { type: 'run.failed', ...runBase, error: { message: 'boom', code: 'E_NODE' }, reason: 'n1' },
  'run.cancelled': { type: 'run.cancelled', ...runBase, reason: 'user' },
  'node.queued': {
    type: 'node.queued',
    ...nodeBase,
    label: 'Summarise',
    tier: 1,
    parentId: 'p',
    spawnReason: 'escalation',
  },
  'node.started': { type: 'node.started', ...nodeBase, tier: 1, model: 'sim-medium' },
  'node.awaiting_approval': {
    type: 'node.awaiting_approval',
    ...nodeBase,
    approvalId: 'ap-1',
    prompt: 'Ship it?',
    payload: { draft: ['a', 1, null, true, { x: 0.5 }] },
    expiresAt: '2025-03-02T12:00:00.000Z',
  },
  'approval.decided': {
    type: 'approval.decided',
    ...nodeBase,
    approvalId: 'ap-1',
    decision: 'approved',
    by: 'ana',
    comment: 'ok',
    output: 'edited',
  },
  'node.succeeded': {
    type: 'node.succeeded',
    ...nodeBase,
    output: { text: 'done' },
    elapsedMs: 12.5,
    usage: { inputTokens: 10, outputTokens: 20, costUsd: 0.001 },
  },
  'node.failed': {
    type: 'node.failed',
    ...nodeBase,
    error: { message: 'timeout', code: 'E_TIMEOUT' },
    elapsedMs: 3,
    willRetry: true,
  },
  'node.escalated': {
    type: 'node.escalated',
    ...nodeBase,
    route: 'higher_tier',
    reason: 'low confidence',
    fromTier: 0,
    toTier: 1,
    childId: 'summarise~1',
    request: request({
      confidence: 0.4,
      ratings: { correctness: 0.4 },
      humanRequired: false,
      evidence: ['e'],
    }),
  },
  'escalation.requested': { type: 'escalation.requested', ...nodeBase, request: request({ urgency: 'fyi' }) },
  'confidence.rated': {
    type: 'confidence.rated',
    ...nodeBase,
    ratings: { correctness: 0.9, risk: 0.7 },
    overall: 0.7,
    target: 0.95,
    passed: false,
    round: 1,
  },
  'confidence.passed': { type: 'confidence.passed', ...nodeBase, overall: 0.96, target: 0.95, rounds: 2 },
  'confidence.escalated': {
    type: 'confidence.escalated',
    ...nodeBase,
    overall: 0.5,
    target: 0.95,
    rounds: 3,
  },
  'node.skipped': { type: 'node.skipped', ...nodeBase, reason: 'upstream_gave_up' },
  'node.cancelled': { type: 'node.cancelled', ...nodeBase, reason: 'run cancelled' },
  usage: {
    type: 'usage',
    ...nodeBase,
    tier: 0,
    model: 'sim-small',
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.00004,
  },
  'node.output_delta': { type: 'node.output_delta', ...nodeBase, text: 'partial…' },
};
const exampleList = Object.values(examples) as Signal[];

const expectParseError = (input: unknown): SignalParseError => {
  const r = parseSignal(input);
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error).toBeInstanceOf(SignalParseError);
  return r.error;
};

const jsonRoundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('signal types', () => {
  it('has exactly the 19 types', () => {
    expect([...signalTypes].sort()).toEqual(
      [
        'run.started',
        'run.succeeded',
        'run.failed',
        'run.cancelled',
        'node.queued',
        'node.started',
        'node.awaiting_approval',
        'approval.decided',
        'node.succeeded',
        'node.failed',
        'node.escalated',
        'escalation.requested',
        'confidence.rated',
        'confidence.passed',
        'confidence.escalated',
        'node.skipped',
        'node.cancelled',
        'usage',
        'node.output_delta',
      ].sort(),
    );
  });

  it.each(signalTypes)('%s: the example parses to itself', (type) => {
    const s = examples[type];
    const r = parseSignal(s);
    expect(r).toEqual({ ok: true, signal: s });
    // The union schema agrees with the per-type schema.
    expect(SignalSchema.parse(s)).toStrictEqual(s);
  });

  it.each(signalTypes)('%s: survives a JSON round trip exactly', (type) => {
    const s = examples[type];
    const back = jsonRoundTrip(s);
    expect(back).toStrictEqual(s);
    expect(parseSignalOrThrow(back)).toStrictEqual(s);
  });

  it.each(signalTypes)('%s: every generated signal parses', (type) => {
    fc.assert(
      fc.property(signalArbs[type] as fc.Arbitrary<Signal>, (s) => {
        const r = parseSignal(s);
        expect(r.ok ? r.signal : r.error.message).toStrictEqual(s);
      }),
      { numRuns: 30 },
    );
  });

  it('run signals carry no nodeId/attempt; every other signal does', () => {
    for (const s of exampleList) {
      expect(isNodeSignal(s)).toBe(!s.type.startsWith('run.'));
      expect('nodeId' in s && 'attempt' in s).toBe(isNodeSignal(s));
    }
    const r = expectParseError({ ...examples['run.succeeded'], nodeId: 'a', attempt: 1 });
    expect(r.message).toContain('"nodeId"');
    const { nodeId: _n, ...noNode } = examples['node.output_delta'];
    expect(expectParseError(noNode).issues.map((i) => i.path)).toEqual(['nodeId']);
  });
});

describe('property: generated signals', () => {
  it('any signal survives JSON -> parseSignal and equals the original', () => {
    fc.assert(
      fc.property(signalArb, (s) => {
        const wire = JSON.stringify(s);
        const r = parseSignal(JSON.parse(wire));
        if (!r.ok) throw r.error;
        expect(r.signal).toStrictEqual(s);
        expect(JSON.stringify(r.signal)).toBe(wire);
      }),
      { numRuns: 300 },
    );
  });

  it('a base field of the wrong type is reported with the signal type and the field', () => {
    const fields = ['runId', 'seq', 'at', 'nodeId', 'attempt'] as const;
    fc.assert(
      fc.property(signalArb, fc.constantFrom(...fields), (s, field) => {
        fc.pre(field in s);
        const err = expectParseError({ ...s, [field]: { wrong: true } });
        expect(err.signalType).toBe(s.type);
        expect(err.message.startsWith(`invalid ${s.type}: `)).toBe(true);
        expect(err.message).toContain(`${field}: `);
        expect(err.issues.map((i) => i.path)).toEqual([field]);
      }),
      { numRuns: 200 },
    );
  });

  it('any extra key is rejected', () => {
    fc.assert(
      fc.property(signalArb, fc.jsonValue(), (s, extra) => {
        const err = expectParseError({ ...s, zzExtra: extra });
        expect(err.message.startsWith(`invalid ${s.type}: `)).toBe(true);
        expect(err.message).toContain('"zzExtra"');
      }),
      { numRuns: 100 },
    );
  });

  it('parseSignal never throws, whatever the input', () => {
    const typed = fc.record({ type: fc.constantFrom(...signalTypes) }, { noNullPrototype: true });
    const junk = fc.oneof(
      fc.anything(),
      typed.chain((t) => fc.object().map((o) => ({ ...o, ...t }))),
    );
    fc.assert(
      fc.property(junk, (input) => {
        const r = parseSignal(input);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.message).toMatch(/^invalid /);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parse errors name the signal type and the field', () => {
  const cases: [SignalType, (s: Record<string, unknown>) => unknown, string][] = [
    ['node.succeeded', (s) => ({ ...s, elapsedMs: '12' }), 'elapsedMs'],
    ['node.succeeded', (s) => ({ ...s, elapsedMs: -1 }), 'elapsedMs'],
    [
      'node.succeeded',
      (s) => ({ ...s, usage: { inputTokens: 1.5, outputTokens: 0, costUsd: 0 } }),
      'usage.inputTokens',
    ],
    ['node.failed', (s) => ({ ...s, error: { message: 'x', code: '' } }), 'error.code'],
    ['node.failed', (s) => ({ ...s, willRetry: 'yes' }), 'willRetry'],
    ['node.failed', (s) => ({ ...s, elapsedMs: -1 }), 'elapsedMs'],
    [
      'escalation.requested',
      (s) => ({ ...s, request: { ...request(), urgency: 'later' } }),
      'request.urgency',
    ],
    ['node.escalated', (s) => ({ ...s, request: { ...request(), trigger: 'bored' } }), 'request.trigger'],
    ['node.escalated', (s) => ({ ...s, route: 'sideways' }), 'route'],
    ['confidence.rated', (s) => ({ ...s, ratings: { correctness: 1.5 } }), 'ratings.correctness'],
    ['confidence.rated', (s) => ({ ...s, round: 0 }), 'round'],
    ['confidence.passed', (s) => ({ ...s, target: 2 }), 'target'],
    ['run.started', (s) => ({ ...s, ladder: [{ ...tier, model: '' }] }), 'ladder.0.model'],
    ['run.started', (s) => ({ ...s, ladder: [] }), 'ladder'],
    ['run.failed', (s) => ({ ...s, error: { message: 'x' } }), 'error.code'],
    ['node.queued', (s) => ({ ...s, tier: -1 }), 'tier'],
    ['node.queued', (s) => ({ ...s, spawnReason: 'whim' }), 'spawnReason'],
    ['node.started', (s) => ({ ...s, tier: 0.5 }), 'tier'],
    ['node.awaiting_approval', (s) => ({ ...s, approvalId: '' }), 'approvalId'],
    ['node.awaiting_approval', (s) => ({ ...s, expiresAt: '2025-03-02T12:00:00Z' }), 'expiresAt'],
    ['approval.decided', (s) => ({ ...s, decision: 'maybe' }), 'decision'],
    ['node.skipped', (s) => ({ ...s, reason: 'bored' }), 'reason'],
    ['usage', (s) => ({ ...s, costUsd: -0.01 }), 'costUsd'],
    ['node.output_delta', (s) => ({ ...s, text: 42 }), 'text'],
    ['node.cancelled', (s) => ({ ...s, attempt: 0 }), 'attempt'],
    ['run.cancelled', (s) => ({ ...s, seq: 0 }), 'seq'],
    ['run.succeeded', (s) => ({ ...s, runId: '' }), 'runId'],
    ['node.output_delta', ({ nodeId: _n, ...s }) => s, 'nodeId'],
  ];

  it.each(cases)('%s: bad %s', (type, mutate, path) => {
    const err = expectParseError(mutate(examples[type] as Record<string, unknown>));
    expect(err.signalType).toBe(type);
    expect(err.message.startsWith(`invalid ${type}: `)).toBe(true);
    expect(err.message).toContain(`${path}: `);
    expect(err.issues.map((i) => i.path)).toContain(path);
  });

  it('parseSignalOrThrow throws the same SignalParseError', () => {
    const bad = { ...examples['node.succeeded'], elapsedMs: '12' };
    expect(() => parseSignalOrThrow(bad)).toThrow(SignalParseError);
    expect(() => parseSignalOrThrow(bad)).toThrow(/^invalid node\.succeeded: elapsedMs: /);
  });

  it('an unknown type names `type`', () => {
    for (const type of ['node.exploded', '', 'Node.Queued', 42, undefined]) {
      const err = expectParseError({ ...examples['node.queued'], type });
      expect(err.signalType).toBeUndefined();
      expect(err.message.startsWith('invalid signal: type: ')).toBe(true);
      expect(err.issues.map((i) => i.path)).toEqual(['type']);
    }
  });

  it('non-objects are refused without throwing', () => {
    for (const input of [null, undefined, 'node.queued', 42, [], [examples.usage]]) {
      const err = expectParseError(input);
      expect(err.message).toMatch(/^invalid signal: /);
    }
  });
});

describe('schemas are strict', () => {
  it.each(signalTypes)('%s: an unknown top-level key is rejected', (type) => {
    const err = expectParseError({ ...examples[type], colour: 'red' });
    expect(err.signalType).toBe(type);
    expect(err.message).toBe(`invalid ${type}: Unrecognized key: "colour"`);
  });

  it('unknown keys are rejected in nested objects too, with the path of the object', () => {
    const nested: [SignalType, Record<string, unknown>, string][] = [
      ['escalation.requested', { request: { ...request(), colour: 'red' } }, 'request'],
      ['node.failed', { error: { message: 'x', code: 'E', stack: '…' } }, 'error'],
      ['run.started', { ladder: [{ ...tier, apiKey: 'sk-…' }] }, 'ladder.0'],
      ['node.succeeded', { usage: { inputTokens: 1, outputTokens: 1, costUsd: 0, calls: 1 } }, 'usage'],
    ];
    for (const [type, over, path] of nested) {
      const err = expectParseError({ ...examples[type], ...over });
      expect(err.message).toMatch(
        new RegExp(`^invalid ${type.replace('.', '\\.')}: ${path}: Unrecognized key`),
      );
    }
  });

  it('a __proto__ key in a JSON payload is dropped and never becomes the prototype', () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}');
    const r = parseSignal({ ...examples['node.succeeded'], output: payload });
    if (!r.ok) throw r.error;
    const output = (r.signal as SignalOf<'node.succeeded'>).output as Record<string, unknown>;
    expect(output).toStrictEqual({ kept: 1 });
    expect(output.polluted).toBeUndefined();
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
  });
});

describe('`at` is ISO-8601 UTC with milliseconds', () => {
  it.each([
    '2025-03-01T12:00:00Z',
    '2025-03-01T12:00:00.1Z',
    '2025-03-01T12:00:00.12Z',
    '2025-03-01T12:00:00.1234Z',
    '2025-03-01T12:00:00.123',
    '2025-03-01T12:00:00.123+01:00',
    '2025-03-01 12:00:00.123Z',
    '2025-03-01',
    '1740830400123',
  ])('rejects %s', (at) => {
    for (const type of ['run.started', 'node.output_delta'] as const) {
      const err = expectParseError({ ...examples[type], at });
      expect(err.message.startsWith(`invalid ${type}: at: `)).toBe(true);
    }
  });

  it('rejects a number or a Date object', () => {
    expect(expectParseError({ ...examples.usage, at: Date.parse(runBase.at) }).issues[0]?.path).toBe('at');
    expect(expectParseError({ ...examples.usage, at: new Date(runBase.at) }).issues[0]?.path).toBe('at');
  });

  it('accepts what Date#toISOString prints', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.parse('9999-12-31T23:59:59.999Z') }), (ms) => {
        const at = new Date(ms).toISOString();
        expect(parseSignal({ ...examples.usage, at }).ok).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('makeSignal and withSeq', () => {
  it('build a signal that parses, without mutating the draft', () => {
    const draft = makeSignal('node.failed', {
      runId: 'r',
      at: '2025-03-01T12:00:00.000Z',
      nodeId: 'a',
      attempt: 1,
      error: { message: 'm', code: 'E' },
      elapsedMs: 1,
      willRetry: false,
    });
    expect(draft).not.toHaveProperty('seq');
    const s = withSeq(draft, 3);
    expect(s.seq).toBe(3);
    expect(draft).not.toHaveProperty('seq');
    expect(parseSignalOrThrow(s)).toStrictEqual({ ...draft, type: 'node.failed', seq: 3 });
  });

  it('per-type schemas are keyed by their literal type', () => {
    for (const type of signalTypes) {
      expect(signalSchemas[type].safeParse(examples[type]).success).toBe(true);
      const other = signalTypes.find((t) => t !== type) as SignalType;
      expect(signalSchemas[other].safeParse(examples[type]).success).toBe(false);
    }
  });
});
