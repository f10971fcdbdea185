/**
 * fast-check arbitraries for signals (one per signal type, plus any signal) and for valid per-run
 * signal streams. Every generated signal satisfies its zod schema exactly, and survives a JSON round
 * trip unchanged: no `-0`, no NaN/Infinity, no `undefined` values (optional keys are absent), no
 * `__proto__` keys (zod strips those on purpose), defaults always present.
 */
import fc from 'fast-check';
import type {
  EscalationRequest,
  Json,
  NodeSignal,
  Ratings,
  Signal,
  SignalOf,
  SignalType,
  Tier,
} from '../src/index.ts';

// ---------------------------------------------------------------------------------------------
// Scalars

/** `-0` does not survive JSON (it comes back as `0`), so fold it to `0`. */
const noNegZero = (x: number): number => x + 0;

/** ISO-8601 UTC with milliseconds, as `Date#toISOString` prints it (4-digit years only). */
export const isoAt: fc.Arbitrary<string> = fc
  .date({
    min: new Date('2000-01-01T00:00:00.000Z'),
    max: new Date('2099-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());

export const idArb: fc.Arbitrary<string> = fc.string({ minLength: 1, maxLength: 12 });
const keyArb = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__');
const nonNegative = fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }).map(noNegZero);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map(noNegZero);
const nat = fc.nat({ max: 1_000_000 });
const tierIndex = fc.nat({ max: 5 });
export const scoreArb: fc.Arbitrary<number> = fc.double({ min: 0, max: 1, noNaN: true }).map(noNegZero);
const seqArb = fc.integer({ min: 1, max: 2 ** 31 });
const attemptArb = fc.integer({ min: 1, max: 50 });

/** Any JSON value that round-trips through `JSON.stringify` / `JSON.parse` unchanged. */
export const jsonArb: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    finite,
    fc.string({ maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

export const ratingsArb: fc.Arbitrary<Ratings> = fc.dictionary(keyArb, scoreArb, {
  maxKeys: 4,
  noNullPrototype: true,
});

const errorInfoArb = fc.record(
  { message: fc.string({ maxLength: 20 }), code: idArb },
  { noNullPrototype: true },
);

export const tierArb: fc.Arbitrary<Tier> = fc.record(
  {
    name: idArb,
    provider: fc.constantFrom('sim', 'openai', 'human'),
    model: idArb,
    costPer1kInput: nonNegative,
    costPer1kOutput: nonNegative,
    baseUrl: fc.constantFrom('http://localhost:11434/v1', 'https://api.openai.com/v1'),
    apiKeyEnv: fc.string({ maxLength: 12 }),
  },
  { noNullPrototype: true, requiredKeys: ['name', 'provider', 'model', 'costPer1kInput', 'costPer1kOutput'] },
);
export const ladderArb: fc.Arbitrary<Tier[]> = fc.array(tierArb, { minLength: 1, maxLength: 4 });

export const escalationRequestArb = (
  urgency: fc.Arbitrary<'blocked' | 'fyi'> = fc.constantFrom('blocked', 'fyi'),
): fc.Arbitrary<EscalationRequest> =>
  fc.record(
    {
      reason: fc.string({ minLength: 1, maxLength: 20 }),
      trigger: fc.constantFrom('low_confidence', 'out_of_depth', 'invalid_output', 'error', 'manual'),
      urgency,
      fromTier: tierIndex,
      confidence: scoreArb,
      ratings: ratingsArb,
      humanRequired: fc.boolean(),
      evidence: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    },
    { noNullPrototype: true, requiredKeys: ['reason', 'trigger', 'urgency', 'fromTier'] },
  );

// ---------------------------------------------------------------------------------------------
// One arbitrary per signal type

const runBase = { runId: idArb, seq: seqArb, at: isoAt };
const nodeBase = { ...runBase, nodeId: idArb, attempt: attemptArb };
const baseKeys = ['type', 'runId', 'seq', 'at'] as const;
const nodeKeys = [...baseKeys, 'nodeId', 'attempt'] as const;

const runEnd = <T extends 'run.succeeded' | 'run.failed' | 'run.cancelled'>(type: T) =>
  fc.record(
    { type: fc.constant(type), ...runBase, error: errorInfoArb, reason: fc.string({ maxLength: 20 }) },
    { noNullPrototype: true, requiredKeys: [...baseKeys] },
  );

const gateSummary = <T extends 'confidence.passed' | 'confidence.escalated'>(type: T) =>
  fc.record(
    {
      type: fc.constant(type),
      ...nodeBase,
      overall: scoreArb,
      target: scoreArb,
      rounds: fc.integer({ min: 1, max: 5 }),
    },
    { noNullPrototype: true },
  );

/** Typed so that adding a signal type to the contract without an arbitrary fails to compile. */
export const signalArbs: { [T in SignalType]: fc.Arbitrary<SignalOf<T>> } = {
  'run.started': fc.record(
    { type: fc.constant('run.started'), ...runBase, dagId: idArb, ladder: ladderArb },
    { noNullPrototype: true, requiredKeys: [...baseKeys, 'ladder'] },
  ),
  'run.succeeded': runEnd('run.succeeded'),
  'run.failed': runEnd('run.failed'),
  'run.cancelled': runEnd('run.cancelled'),
  'node.queued': fc.record(
    {
      type: fc.constant('node.queued'),
      ...nodeBase,
      label: fc.string({ maxLength: 12 }),
      tier: tierIndex,
      parentId: idArb,
      spawnReason: fc.constantFrom('escalation', 'spawn'),
    },
    { noNullPrototype: true, requiredKeys: [...nodeKeys, 'tier'] },
  ),
  'node.started': fc.record(
    { type: fc.constant('node.started'), ...nodeBase, tier: tierIndex, model: idArb },
    { noNullPrototype: true, requiredKeys: [...nodeKeys, 'tier'] },
  ),
  'node.awaiting_approval': fc.record(
    {
      type: fc.constant('node.awaiting_approval'),
      ...nodeBase,
      approvalId: idArb,
      prompt: fc.string({ maxLength: 20 }),
      payload: jsonArb,
      expiresAt: isoAt,
    },
    { noNullPrototype: true, requiredKeys: [...nodeKeys, 'approvalId', 'prompt'] },
  ),
  'approval.decided': fc.record(
    {
      type: fc.constant('approval.decided'),
      ...nodeBase,
      approvalId: idArb,
      decision: fc.constantFrom('approved', 'rejected'),
      by: idArb,
      comment: fc.string({ maxLength: 20 }),
      output: jsonArb,
    },
    { noNullPrototype: true, requiredKeys: [...nodeKeys, 'approvalId', 'decision', 'by'] },
  ),
  'node.succeeded': fc.record(
    {
      type: fc.constant('node.succeeded'),
      ...nodeBase,
      output: jsonArb,
      elapsedMs: nonNegative,
      usage: fc.record(
        { inputTokens: nat, outputTokens: nat, costUsd: nonNegative },
        { noNullPrototype: true },
      ),
    },
    { noNullPrototype: true, requiredKeys: [...nodeKeys, 'output', 'elapsedMs'] },
  ),
  'node.failed': fc.record(
    {
      type: fc.constant('node.failed'),
      ...nodeBase,
      error: errorInfoArb,
      elapsedMs: nonNegative,
      willRetry: fc.boolean(),
    },
    { noNullPrototype: true },
  ),
  'node.escalated': fc.record(
    {
      type: fc.constant('node.escalated'),
      ...nodeBase,
      route: fc.constantFrom('higher_tier', 'give_up', 'human'),
      reason: fc.string({ maxLength: 20 }),
      fromTier: tierIndex,
      toTier: tierIndex,
      childId: idArb,
      request: escalationRequestArb(),
    },
    { noNullPrototype: true, requiredKeys: [...nodeKeys, 'route', 'reason', 'fromTier', 'request'] },
  ),
  'escalation.requested': fc.record(
    {
      type: fc.constant('escalation.requested'),
      ...nodeBase,
      request: escalationRequestArb(),
    },
    { noNullPrototype: true },
  ),
  'confidence.rated': fc.record(
    {
      type: fc.constant('confidence.rated'),
      ...nodeBase,
      ratings: ratingsArb,
      overall: scoreArb,
      target: scoreArb,
      passed: fc.boolean(),
      round: fc.integer({ min: 1, max: 5 }),
    },
    { noNullPrototype: true },
  ),
  'confidence.passed': gateSummary('confidence.passed'),
  'confidence.escalated': gateSummary('confidence.escalated'),
  'node.skipped': fc.record(
    {
      type: fc.constant('node.skipped'),
      ...nodeBase,
      reason: fc.constantFrom('condition_false', 'upstream_failed', 'upstream_gave_up', 'rejected_upstream'),
    },
    { noNullPrototype: true },
  ),
  'node.cancelled': fc.record(
    { type: fc.constant('node.cancelled'), ...nodeBase, reason: fc.string({ maxLength: 20 }) },
    { noNullPrototype: true, requiredKeys: [...nodeKeys] },
  ),
  usage: fc.record(
    {
      type: fc.constant('usage'),
      ...nodeBase,
      tier: tierIndex,
      model: idArb,
      inputTokens: nat,
      outputTokens: nat,
      costUsd: nonNegative,
    },
    { noNullPrototype: true },
  ),
  'node.output_delta': fc.record(
    { type: fc.constant('node.output_delta'), ...nodeBase, text: fc.string() },
    { noNullPrototype: true },
  ),
};

/** Any one of the 19 signal types, each equally likely. */
export const signalArb: fc.Arbitrary<Signal> = fc.oneof(
  ...(Object.values(signalArbs) as fc.Arbitrary<Signal>[]),
);

// ---------------------------------------------------------------------------------------------
// Valid per-run streams

type NodeSignalType = NodeSignal['type'];

/** How often each node signal type appears in a generated stream (state-bearing ones dominate). */
const nodeTypeWeights: Record<NodeSignalType, number> = {
  'node.queued': 6,
  'node.started': 6,
  'node.succeeded': 4,
  'node.failed': 3,
  'node.escalated': 2,
  'escalation.requested': 3,
  'node.awaiting_approval': 2,
  'approval.decided': 2,
  'node.skipped': 1,
  'node.cancelled': 1,
  'confidence.rated': 2,
  'confidence.passed': 1,
  'confidence.escalated': 1,
  usage: 3,
  'node.output_delta': 2,
};

const nodeSignalArb = fc.oneof(
  ...(Object.entries(nodeTypeWeights) as [NodeSignalType, number][]).map(([type, weight]) => ({
    arbitrary: signalArbs[type] as fc.Arbitrary<NodeSignal>,
    weight,
  })),
);

export interface StreamOptions {
  /** Number of distinct node ids (`n0`, `n1`, …). Default 5. */
  nodes?: number;
  /** Maximum number of node signals after `run.started`. Default 40. */
  maxLength?: number;
}

/** A generated run: its id, its signals (seq 1..N gap-free, `run.started` first) and its node ids. */
export interface RunStream {
  runId: string;
  signals: Signal[];
  nodeIds: string[];
}

/**
 * A valid per-run signal stream: `run.started` first, then node signals over a small set of node
 * ids, optionally a run end; seq 1..N gap-free; `at` strictly increasing ISO strings with ms.
 * Per node the attempt mostly stays, sometimes moves up by one (a new attempt, usually on
 * `node.queued`), and now and then is one below the highest seen (a stale, late signal).
 * `node.queued` may name another node of the run as parent.
 */
export const runStreamArb = (options: StreamOptions = {}): fc.Arbitrary<RunStream> => {
  const nodeCount = options.nodes ?? 5;
  const nodeIds = Array.from({ length: nodeCount }, (_, i) => `n${i}`);
  const step = fc.record(
    {
      node: fc.nat({ max: nodeCount - 1 }),
      parent: fc.option(fc.nat({ max: nodeCount - 1 }), { freq: 3 }),
      // 0 = same attempt, 1 = next attempt, -1 = stale (one below the highest seen)
      attemptMove: fc.oneof(
        { arbitrary: fc.constant(0), weight: 12 },
        { arbitrary: fc.constant(1), weight: 2 },
        { arbitrary: fc.constant(-1), weight: 1 },
      ),
      gapMs: fc.integer({ min: 1, max: 5_000 }),
      signal: nodeSignalArb,
    },
    { noNullPrototype: true },
  );
  return fc
    .record({
      runId: idArb,
      start: fc.integer({
        min: Date.parse('2020-01-01T00:00:00.000Z'),
        max: Date.parse('2030-01-01T00:00:00.000Z'),
      }),
      started: signalArbs['run.started'],
      steps: fc.array(step, { maxLength: options.maxLength ?? 40 }),
      end: fc.option(
        fc.oneof(signalArbs['run.succeeded'], signalArbs['run.failed'], signalArbs['run.cancelled']),
      ),
    })
    .map(({ runId, start, started, steps, end }) => {
      let t = start;
      let seq = 0;
      const stamp = () => {
        t += 1;
        seq += 1;
        return { runId, seq, at: new Date(t).toISOString() };
      };
      const signals: Signal[] = [{ ...started, ...stamp() }];
      const highest = new Map<string, number>();
      for (const st of steps) {
        t += st.gapMs;
        const nodeId = nodeIds[st.node] as string;
        const top = highest.get(nodeId) ?? 1;
        const attempt = Math.max(1, top + st.attemptMove);
        highest.set(nodeId, Math.max(top, attempt));
        const s = { ...st.signal, ...stamp(), nodeId, attempt } as NodeSignal;
        if (s.type === 'node.queued') {
          delete s.parentId;
          delete s.spawnReason;
          if (st.parent !== null && st.parent !== st.node) {
            s.parentId = nodeIds[st.parent] as string;
            s.spawnReason = st.gapMs % 3 === 0 ? 'spawn' : 'escalation';
          }
        }
        signals.push(s);
      }
      if (end !== null) signals.push({ ...end, ...stamp() });
      return { runId, signals, nodeIds };
    });
};

/** The signals of one node, in stream order. */
export const signalsOfNode = (signals: readonly Signal[], nodeId: string): Signal[] =>
  signals.filter((s) => 'nodeId' in s && s.nodeId === nodeId);
