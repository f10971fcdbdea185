/** Properties of the executor over random DAGs (see random-runs.ts for what they hold). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCondition, isTerminalLane, projectRun, type Signal, SignalSchema } from '../src/index.ts';
import {
  checkLaneMachine,
  dagOf,
  decisionFor,
  type GenNode,
  type GenRun,
  genRun,
  idOf,
  lastTerminal,
  rootOf,
  TERMINAL,
} from './random-runs.ts';
import { foldEach, ladderOf, start, within } from './run-helpers.ts';

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

/**
 * Runs one generated DAG, deciding approvals from a subscriber as the node's policy says; with
 * `cancelAt`, cancels the run once that many signals have been delivered. `refused` lists decisions
 * the run refused (a listener's throw would only be reported).
 */
const execute = async (g: GenRun, cancelAt?: number) => {
  const dag = dagOf(g);
  const refused: string[] = [];
  const run = start(dag, {
    ladder: ladderOf(g.models, g.human),
    maxConcurrency: g.maxConcurrency,
    onSignal: (s, h) => {
      if (s.seq === cancelAt) h.cancel('stop');
      if (s.type !== 'node.awaiting_approval') return;
      const input = decisionFor(g, s);
      if (!input) return;
      const r = h.decide(s.approvalId, input);
      if (!r.ok && !(cancelAt !== undefined && r.code === 'late')) refused.push(`${s.approvalId}: ${r.code}`);
    },
  });
  const result = await within(run.done(), 5000);
  expect(refused).toEqual([]);
  return { dag, result, signals: run.signals, handle: run.handle };
};

describe('executor properties over random DAGs', () => {
  it('keeps every execution invariant', async () => {
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

        // Never more than maxConcurrency nodes running, as the projection sees it; a map waiting for
        // its children holds no slot, so it is not counted.
        const maps = new Set(dag.nodes.filter((n) => n.kind === 'map').map((n) => n.id));
        foldEach(signals, (view) => {
          let waitingMaps = 0;
          for (const id of maps) if (view.nodes.get(id)?.lane === 'running') waitingMaps++;
          expect(view.counts.running - waitingMaps).toBeLessThanOrEqual(g.maxConcurrency);
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
