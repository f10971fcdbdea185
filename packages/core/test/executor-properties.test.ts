/**
 * Properties of the executor over random DAGs: 1-12 llm / transform nodes with random edges (some
 * with conditions), random sim behaviour per tier (answers, confidence, latency, failures, explicit
 * escalation), random retries, gates, approvals (decided by a subscriber, or left to time out) and
 * random ladders with or without a human rung (whose requests the subscriber also decides).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Condition,
  evaluateCondition,
  isTerminalLane,
  type Json,
  projectRun,
  type Signal,
  SignalSchema,
} from '../src/index.ts';
import { buildDag, foldEach, ladderOf, start, within } from './run-helpers.ts';

type Policy = 'approve' | 'reject' | 'edit' | 'wait';

interface GenNode {
  kind: 'llm' | 'transform';
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

interface GenRun {
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
  })
  .map((b) => clean(b as Record<string, unknown>));

const genNode = (i: number): fc.Arbitrary<GenNode> =>
  fc
    .record({
      kind: fc.constantFrom<GenNode['kind']>('llm', 'llm', 'transform'),
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

const genRun: fc.Arbitrary<GenRun> = fc.record({
  nodes: fc
    .integer({ min: 1, max: 12 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => genNode(i)))),
  models: fc.integer({ min: 1, max: 3 }),
  human: fc.boolean(),
  maxConcurrency: fc.integer({ min: 1, max: 4 }),
});

const idOf = (i: number) => `n${i}`;

/** The transform mapping that reads every dependency's output. */
const mappingFor = (deps: number[]): Json =>
  deps.length === 0
    ? 'constant'
    : deps.length === 1
      ? `{{${idOf(deps[0] as number)}}}`
      : Object.fromEntries(deps.map((d) => [idOf(d), `{{${idOf(d)}}}`]));

const dagOf = (g: GenRun) =>
  buildDag({
    nodes: g.nodes.map((n, i) =>
      n.kind === 'transform'
        ? { id: idOf(i), kind: 'transform', mapping: mappingFor(n.deps) }
        : clean({
            id: idOf(i),
            kind: 'llm',
            prompt: `task ${i}${n.deps.map((d) => ` {{${idOf(d)}}}`).join('')}`,
            sim: { tiers: Object.fromEntries(n.tiers.map((b, t) => [String(t), b])) },
            gate: n.gate,
            retries: n.retries,
            approval: n.approval,
            timeoutMs: n.timeoutMs,
          }),
    ),
    edges: g.nodes.flatMap((n, i) =>
      n.deps.map((d, k) =>
        clean({ source: idOf(d), target: idOf(i), condition: k === 0 ? n.condition : undefined }),
      ),
    ),
  });

const rootOf = (id: string) => id.split('@')[0] as string;
const TERMINAL = new Set([
  'node.succeeded',
  'node.failed',
  'node.escalated',
  'node.skipped',
  'node.cancelled',
]);

/**
 * Runs one generated DAG, deciding approvals from a subscriber as the node's policy says; with
 * `cancelAt`, cancels the run once that many signals have been delivered.
 */
const execute = async (g: GenRun, cancelAt?: number) => {
  const dag = dagOf(g);
  const gen = (id: string) => g.nodes[Number(rootOf(id).slice(1))] as GenNode;
  const run = start(dag, {
    ladder: ladderOf(g.models, g.human),
    maxConcurrency: g.maxConcurrency,
    onSignal: (s, h) => {
      if (s.seq === cancelAt) h.cancel('stop');
      if (s.type !== 'node.awaiting_approval') return;
      const n = gen(s.nodeId);
      const human = s.prompt.startsWith('Escalated to a human');
      const timed = !human && n.approval?.timeoutMs !== undefined;
      const policy = human ? n.humanPolicy : n.policy === 'wait' && !timed ? 'approve' : n.policy;
      if (policy === 'wait') return;
      const r = h.decide(s.approvalId, {
        decision: policy === 'reject' ? 'rejected' : 'approved',
        ...(policy === 'edit' && { output: { edited: s.nodeId } }),
      });
      if (!r.ok && !(cancelAt !== undefined && r.code === 'unknown_approval'))
        throw new Error(`decision refused: ${r.code}`);
    },
  });
  const result = await within(run.done(), 5000);
  return { dag, result, signals: run.signals, handle: run.handle };
};

/** Follows node.escalated children to the last node of a chain. */
const chainEnds = (signals: readonly Signal[]) => {
  const child = new Map<string, string>();
  for (const s of signals) if (s.type === 'node.escalated' && s.childId) child.set(s.nodeId, s.childId);
  return (id: string): string => {
    let cur = id;
    for (let next = child.get(cur); next !== undefined; next = child.get(cur)) cur = next;
    return cur;
  };
};

/** The last terminal signal of a node (its final attempt). */
const lastTerminal = (signals: readonly Signal[], id: string): Signal | undefined =>
  signals.findLast((s) => 'nodeId' in s && s.nodeId === id && TERMINAL.has(s.type));

/** Walks one node's signals through the lane state machine; throws on a step it does not allow. */
const checkLaneMachine = (id: string, list: readonly Signal[], cancelled = false) => {
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

describe('executor properties over random DAGs', () => {
  it('keeps every DESIGN §4 invariant', async () => {
    await fc.assert(
      fc.asyncProperty(genRun, async (g) => {
        const { dag, result, signals, handle } = await execute(g);
        const end = chainEnds(signals);
        const bySeq = (s: Signal) => s.seq;

        // Wire: every signal parses, seq is 1..N gap-free, run.started first.
        for (const s of signals) SignalSchema.parse(s);
        expect(signals.map(bySeq)).toEqual(signals.map((_, i) => i + 1));
        expect(handle.signals).toEqual(signals);
        expect(signals[0]?.type).toBe('run.started');

        // Every queued (node, attempt) reaches exactly one terminal signal; none without a queue.
        const queued = new Map<string, number>();
        for (const s of signals) {
          if (!('nodeId' in s)) continue;
          const key = `${s.nodeId}#${s.attempt}`;
          if (s.type === 'node.queued') queued.set(key, 0);
          else if (TERMINAL.has(s.type)) {
            expect(queued.has(key), `terminal without queue: ${key}`).toBe(true);
            queued.set(key, (queued.get(key) as number) + 1);
          }
        }
        for (const [key, n] of queued) expect(n, `terminal signals of ${key}`).toBe(1);

        // Per-node signal order follows the lane state machine.
        const perNode = new Map<string, Signal[]>();
        for (const s of signals)
          if ('nodeId' in s) perNode.set(s.nodeId, [...(perNode.get(s.nodeId) ?? []), s]);
        for (const [id, list] of perNode) checkLaneMachine(id, list);

        // No node does anything before each dependency's chain end succeeded (with its conditions met);
        // a skipped node names a reason one of its dependencies implies.
        dag.nodes.forEach((spec, i) => {
          const gen = g.nodes[i] as GenNode;
          const mine = perNode.get(spec.id) ?? [];
          const skip = mine.find((s) => s.type === 'node.skipped');
          const firstWork = mine.find((s) => s.type !== 'node.queued' && s.type !== 'node.skipped');
          const implied = new Set<string>();
          for (const [k, d] of gen.deps.entries()) {
            const t = lastTerminal(signals, end(idOf(d)));
            const limit = skip?.seq ?? firstWork?.seq ?? Number.POSITIVE_INFINITY;
            if (!t || t.seq > limit) continue;
            if (t.type === 'node.succeeded') {
              if (k === 0 && gen.condition && !evaluateCondition(gen.condition, t.output))
                implied.add('condition_false');
            } else if (t.type === 'node.failed')
              implied.add(t.error.code === 'rejected' ? 'rejected_upstream' : 'upstream_failed');
            else if (t.type === 'node.escalated') implied.add('upstream_gave_up');
            else if (t.type === 'node.skipped') implied.add(t.reason);
          }
          if (skip?.type === 'node.skipped') {
            expect(
              implied.has(skip.reason),
              `${spec.id} skipped ${skip.reason}; deps imply ${[...implied]}`,
            ).toBe(true);
            expect(firstWork).toBeUndefined();
          }
          if (firstWork) {
            expect(implied.size, `${spec.id} started with a dependency that did not succeed`).toBe(0);
            for (const d of gen.deps) {
              const t = lastTerminal(signals, end(idOf(d)));
              expect(
                t?.type === 'node.succeeded' && t.seq < firstWork.seq,
                `${spec.id} before ${idOf(d)}`,
              ).toBe(true);
            }
          }
          // A transform's input is exactly its dependencies' chain end outputs.
          const ok = mine.find((s) => s.type === 'node.succeeded');
          if (gen.kind === 'transform' && gen.deps.length > 0 && ok?.type === 'node.succeeded') {
            const outputOf = (d: number) => {
              const t = lastTerminal(signals, end(idOf(d)));
              return t?.type === 'node.succeeded' ? t.output : undefined;
            };
            const expected =
              gen.deps.length === 1
                ? outputOf(gen.deps[0] as number)
                : Object.fromEntries(gen.deps.map((d) => [idOf(d), outputOf(d)]));
            expect(ok.output).toEqual(expected);
          }
          // `outputs` holds each chain's end output.
          const t = lastTerminal(signals, end(spec.id));
          if (t?.type === 'node.succeeded') expect(result.outputs[spec.id]).toEqual(t.output);
          else expect(result.outputs).not.toHaveProperty(spec.id);
        });

        // The gate: nothing gated completes below target.
        for (const s of signals) {
          if (s.type === 'confidence.rated') expect(s.passed).toBe(s.overall >= s.target);
          if (s.type === 'confidence.passed') expect(s.overall).toBeGreaterThanOrEqual(s.target);
          if (s.type !== 'node.succeeded') continue;
          const gen = g.nodes[Number(rootOf(s.nodeId).slice(1))] as GenNode;
          const worked = signals.some(
            (x) => x.type === 'node.started' && x.nodeId === s.nodeId && x.attempt === s.attempt,
          );
          if (gen.kind !== 'llm' || !gen.gate || !worked) continue;
          const passed = signals.find(
            (x) =>
              x.type === 'confidence.passed' &&
              x.nodeId === s.nodeId &&
              x.attempt === s.attempt &&
              x.seq < s.seq,
          );
          expect(passed, `${s.nodeId} succeeded without passing its gate`).toBeDefined();
        }

        // Never more than maxConcurrency nodes running, as the projection sees it.
        foldEach(signals, (view) => {
          expect(view.counts.running).toBeLessThanOrEqual(g.maxConcurrency);
        });

        // The run ends once, last, iff every node is terminal; it fails iff something failed or gave up.
        const ends = signals.filter((s) => s.type.startsWith('run.') && s.type !== 'run.started');
        expect(ends).toHaveLength(1);
        expect(signals.at(-1)).toBe(ends[0]);
        for (const n of result.view.nodes.values())
          expect(isTerminalLane(n.lane), `${n.id} is ${n.lane}`).toBe(true);
        const failed = signals.some(
          (s) =>
            (s.type === 'node.failed' && !s.willRetry) ||
            (s.type === 'node.escalated' && s.route === 'give_up'),
        );
        expect(ends[0]?.type).toBe(failed ? 'run.failed' : 'run.succeeded');
        expect(result.status).toBe(failed ? 'failed' : 'succeeded');
        expect(result.view).toEqual(projectRun(signals));
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('cancelling at any point: nothing starts after, every (node, attempt) still ends exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(genRun, fc.integer({ min: 1, max: 40 }), async (g, cancelAt) => {
        const { result, signals } = await execute(g, cancelAt);
        expect(signals.map((s) => s.seq)).toEqual(signals.map((_, i) => i + 1));
        const ends = signals.filter((s) => s.type.startsWith('run.') && s.type !== 'run.started');
        expect(ends).toHaveLength(1);
        expect(signals.at(-1)).toBe(ends[0]);
        const cancelled = ends[0]?.type === 'run.cancelled';
        expect(result.status).toBe(
          cancelled ? 'cancelled' : ends[0]?.type === 'run.failed' ? 'failed' : 'succeeded',
        );
        if (cancelled) {
          // After the first node.cancelled, only node.cancelled signals and then run.cancelled.
          const first = signals.findIndex((s) => s.type === 'node.cancelled' || s.type === 'run.cancelled');
          expect(first).toBeGreaterThanOrEqual(cancelAt - 1);
          for (const s of signals.slice(first, -1)) expect(s.type).toBe('node.cancelled');
          expect(ends[0]).toMatchObject({ reason: 'stop' });
        }

        const terminals = new Map<string, number>();
        for (const s of signals) {
          if (!('nodeId' in s)) continue;
          const key = `${s.nodeId}#${s.attempt}`;
          if (s.type === 'node.queued') terminals.set(key, 0);
          else if (TERMINAL.has(s.type)) terminals.set(key, (terminals.get(key) ?? 0) + 1);
        }
        for (const [key, n] of terminals) expect(n, `terminal signals of ${key}`).toBe(1);

        const perNode = new Map<string, Signal[]>();
        for (const s of signals)
          if ('nodeId' in s) perNode.set(s.nodeId, [...(perNode.get(s.nodeId) ?? []), s]);
        for (const [id, list] of perNode) checkLaneMachine(id, list, cancelled);
        for (const n of result.view.nodes.values())
          expect(isTerminalLane(n.lane), `${n.id} is ${n.lane}`).toBe(true);
        expect(result.view).toEqual(projectRun(signals));
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
