/**
 * Random runs for executor properties: 1-12 llm / transform / map nodes with random edges (some with
 * conditions), random sim behaviour per tier (answers, confidence, latency, failures, explicit
 * escalation), random retries, gates, approvals (decided by a policy, or left to time out) and random
 * ladders with or without a human rung; and the per-node lane machine their signals must follow.
 */
import fc from 'fast-check';
import type { Condition, DecisionInput, Json, Signal, SignalOf } from '../src/index.ts';
import { buildDag } from './run-helpers.ts';

type Policy = 'approve' | 'reject' | 'edit' | 'wait';

export interface GenNode {
  kind: 'llm' | 'transform' | 'map';
  deps: number[];
  condition?: Condition;
  tiers: Array<Record<string, unknown>>;
  gate?: { target: number; maxTries: number };
  retries?: { max: number; backoffMs: number; jitter: number };
  approval?: { when: 'before' | 'after'; timeoutMs?: number; onTimeout: 'reject' | 'approve' | 'escalate' };
  timeoutMs?: number;
  policy: Policy;
  humanPolicy: Exclude<Policy, 'wait'>;
}

export interface GenRun {
  nodes: GenNode[];
  models: number;
  human: boolean;
  maxConcurrency: number;
}

/** Drops keys whose value is undefined, so the DAG is plain JSON. */
const clean = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** `arb` with probability `p`, otherwise undefined. */
const opt = <T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: Math.round((1 - p) * 100) },
    { arbitrary: arb, weight: Math.round(p * 100) },
  );

const score = fc.constantFrom(0, 0.3, 0.5, 0.8, 0.95, 0.97, 1);
const behaviour = fc
  .record({
    answer: opt(fc.oneof(fc.constant('x'), fc.string({ maxLength: 6 }), fc.record({ v: fc.nat(9) })), 0.7),
    latencyMs: opt(fc.integer({ min: 0, max: 3000 }), 0.5),
    failTimes: opt(fc.integer({ min: 1, max: 2 }), 0.2),
    confidence: opt(fc.oneof(score, fc.array(score, { minLength: 1, maxLength: 3 })), 0.6),
    escalate: opt(
      fc.record({ reason: fc.constant('stuck'), humanRequired: fc.boolean() }, { requiredKeys: ['reason'] }),
      0.2,
    ),
    note: opt(fc.constant({ reason: 'worth a look' }), 0.15),
  })
  .map((b) => clean(b as Record<string, unknown>));

const genNode = (i: number): fc.Arbitrary<GenNode> =>
  fc
    .record({
      kind: fc.constantFrom<GenNode['kind']>('llm', 'llm', 'llm', 'transform', 'transform', 'map'),
      deps:
        i === 0
          ? fc.constant<number[]>([])
          : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: 3 }),
      condition: opt(
        fc.constantFrom<Condition>(
          { path: '', op: 'exists' },
          { path: '', op: 'truthy' },
          { path: '', op: 'eq', value: 'x' },
        ),
        0.2,
      ),
      tiers: fc.array(behaviour, { minLength: 1, maxLength: 3 }),
      gate: opt(fc.record({ target: score, maxTries: fc.integer({ min: 1, max: 3 }) }), 0.4),
      retries: opt(
        fc.record({
          max: fc.integer({ min: 0, max: 3 }),
          backoffMs: fc.integer({ min: 0, max: 5000 }),
          jitter: fc.constantFrom(0, 0.2, 1),
        }),
        0.4,
      ),
      approval: opt(
        fc
          .record({
            when: fc.constantFrom<'before' | 'after'>('before', 'after'),
            timeoutMs: opt(fc.integer({ min: 1, max: 100_000 }), 0.5),
            onTimeout: fc.constantFrom<'reject' | 'approve' | 'escalate'>('reject', 'approve', 'escalate'),
          })
          .map(clean),
        0.25,
      ),
      timeoutMs: opt(fc.integer({ min: 100, max: 5000 }), 0.15),
      policy: fc.constantFrom<Policy>('approve', 'approve', 'reject', 'edit', 'wait', 'wait'),
      humanPolicy: fc.constantFrom<GenNode['humanPolicy']>('approve', 'approve', 'reject', 'edit'),
    })
    .map((n) => clean(n) as GenNode);

export const genRun: fc.Arbitrary<GenRun> = fc.record({
  nodes: fc
    .integer({ min: 1, max: 12 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => genNode(i)))),
  models: fc.integer({ min: 1, max: 3 }),
  human: fc.boolean(),
  maxConcurrency: fc.integer({ min: 1, max: 4 }),
});

export const idOf = (i: number) => `n${i}`;

/** The transform mapping that reads every dependency's output. */
const mappingFor = (deps: number[]): Json =>
  deps.length === 0
    ? 'constant'
    : deps.length === 1
      ? `{{${idOf(deps[0] as number)}}}`
      : Object.fromEntries(deps.map((d) => [idOf(d), `{{${idOf(d)}}}`]));

export const dagOf = (g: GenRun) =>
  buildDag({
    // A map fans out one child per item (`{{item}}` in its prompt), each with the map's behaviour.
    inputs: { items: ['a', 'b'] },
    nodes: g.nodes.map((n, i) =>
      n.kind === 'transform'
        ? { id: idOf(i), kind: 'transform', mapping: mappingFor(n.deps) }
        : clean({
            id: idOf(i),
            kind: n.kind,
            ...(n.kind === 'map' && { items: '{{inputs.items}}' }),
            prompt: `task ${i}${n.kind === 'map' ? ' {{item}}' : ''}${n.deps.map((d) => ` {{${idOf(d)}}}`).join('')}`,
            sim: { tiers: Object.fromEntries(n.tiers.map((b, t) => [String(t), b])) },
            gate: n.gate,
            retries: n.retries,
            approval: n.approval,
            // A map's timeout races its children's turn for a slot, which a restart reorders: a
            // timing no recovery can reproduce, so maps get none here.
            timeoutMs: n.kind === 'map' ? undefined : n.timeoutMs,
          }),
    ),
    edges: g.nodes.flatMap((n, i) =>
      n.deps.map((d, k) =>
        clean({ source: idOf(d), target: idOf(i), condition: k === 0 ? n.condition : undefined }),
      ),
    ),
  });

/** The DAG node an id comes from: itself, or the node whose escalation chain or map it belongs to. */
export const rootOf = (id: string) => (id.split('@')[0] as string).split('[')[0] as string;

/** The generated node a node id (or a node of its escalation chain) comes from. */
export const genOf = (g: GenRun, id: string) => g.nodes[Number(rootOf(id).slice(1))] as GenNode;

/** How the node's policy answers a request; undefined leaves it to time out. */
export const decisionFor = (g: GenRun, s: SignalOf<'node.awaiting_approval'>): DecisionInput | undefined => {
  const n = genOf(g, s.nodeId);
  const human = s.prompt.startsWith('Escalated to a human');
  const timed = !human && n.approval?.timeoutMs !== undefined;
  const policy = human ? n.humanPolicy : n.policy === 'wait' && !timed ? 'approve' : n.policy;
  if (policy === 'wait') return undefined;
  return {
    decision: policy === 'reject' ? 'rejected' : 'approved',
    ...(policy === 'edit' && { output: { edited: s.nodeId } }),
  };
};

export const TERMINAL = new Set([
  'node.succeeded',
  'node.failed',
  'node.escalated',
  'node.skipped',
  'node.cancelled',
]);

/** How many terminal signals each queued (node, attempt) got; a terminal without a queue counts under `orphans`. */
export const terminalsPerAttempt = (signals: readonly Signal[]) => {
  const counts = new Map<string, number>();
  const orphans: string[] = [];
  for (const s of signals) {
    if (!('nodeId' in s)) continue;
    const key = `${s.nodeId}#${s.attempt}`;
    if (s.type === 'node.queued') counts.set(key, 0);
    else if (TERMINAL.has(s.type)) {
      if (!counts.has(key)) orphans.push(key);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return { counts, orphans };
};

/** The last terminal signal of a node (its final attempt). */
export const lastTerminal = (signals: readonly Signal[], id: string): Signal | undefined =>
  signals.findLast((s) => 'nodeId' in s && s.nodeId === id && TERMINAL.has(s.type));

/** Walks one node's signals through the lane state machine; throws on a step it does not allow. */
export const checkLaneMachine = (id: string, list: readonly Signal[], cancelled = false) => {
  let state = 'init';
  let attempt = 0;
  for (const s of list) {
    if (!('attempt' in s)) continue;
    const where = `${id} #${s.seq} ${s.type} in ${state}`;
    if (s.type === 'node.queued') {
      if (!(state === 'init' || state === 'retry')) throw new Error(`unexpected ${where}`);
      if (s.attempt !== attempt + 1) throw new Error(`${where}: attempt ${s.attempt} after ${attempt}`);
      attempt = s.attempt;
      state = 'queued';
      continue;
    }
    if (s.attempt !== attempt) throw new Error(`${where}: attempt ${s.attempt}, current ${attempt}`);
    const blocked = s.type === 'escalation.requested' && s.request.urgency === 'blocked';
    if (s.type === 'node.cancelled') {
      if (!cancelled || state === 'retry' || state === 'done') throw new Error(`unexpected ${where}`);
      state = 'done';
      continue;
    }
    const next = ((): string | undefined => {
      switch (state) {
        case 'queued':
          if (s.type === 'node.awaiting_approval') return 'awaitingBefore';
          if (s.type === 'node.started') return 'running';
          if (s.type === 'node.skipped') return 'done';
          return undefined;
        case 'awaitingBefore':
        case 'awaitingAfter':
          if (s.type === 'approval.decided')
            return state === 'awaitingBefore' ? 'decidedBefore' : 'decidedAfter';
          if (blocked) return 'escalating';
          return undefined;
        case 'decidedBefore':
          if (s.type === 'node.started') return 'running';
          if (s.type === 'node.succeeded') return 'done';
          if (s.type === 'node.failed') return s.willRetry ? undefined : 'done';
          return undefined;
        case 'running':
          if (['usage', 'node.output_delta', 'confidence.rated', 'confidence.passed'].includes(s.type))
            return 'running';
          // A note (fyi) goes with the answer: the node runs on.
          if (s.type === 'escalation.requested' && !blocked) return 'running';
          if (s.type === 'confidence.escalated') return 'gateEscalated';
          if (blocked) return 'escalating';
          if (s.type === 'node.awaiting_approval') return 'awaitingAfter';
          if (s.type === 'node.succeeded') return 'done';
          if (s.type === 'node.failed') return s.willRetry ? 'retry' : 'done';
          return undefined;
        case 'gateEscalated':
          return blocked ? 'escalating' : undefined;
        case 'decidedAfter':
          if (s.type === 'node.succeeded') return 'done';
          if (s.type === 'node.failed' && !s.willRetry) return 'done';
          return undefined;
        case 'escalating':
          return s.type === 'node.escalated' ? 'done' : undefined;
        default:
          return undefined;
      }
    })();
    if (next === undefined) throw new Error(`unexpected ${where}`);
    state = next;
  }
  // A cancelled run drops a pending retry: the attempt ended with node.failed{willRetry:true}.
  if (state !== 'done' && !(cancelled && state === 'retry')) throw new Error(`${id} ended in state ${state}`);
};
