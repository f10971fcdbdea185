/**
 * Exact recovery: a run resumed from any commit boundary of its log ends as the uninterrupted run
 * did (same lanes, outputs and decisions), with seq gap-free and every (node, attempt) ended once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createVirtualClock,
  type Lane,
  type RunHandle,
  type RunResult,
  type Signal,
  type SignalLog,
  startRun,
} from '../src/index.ts';
import {
  checkLaneMachine,
  dagOf,
  decisionFor,
  type GenRun,
  genRun,
  terminalsPerAttempt,
} from './random-runs.ts';
import { ladderOf, within } from './run-helpers.ts';

/** A log that remembers where each committed batch ended. */
const batchLog = (): SignalLog & { boundaries: number[] } => {
  let total = 0;
  const boundaries: number[] = [];
  return {
    boundaries,
    append(batch) {
      total += batch.length;
      boundaries.push(total);
    },
  };
};

/** Runs `g` (from `history` when given) to the end, deciding each request by the node's policy. */
const runOnce = async (g: GenRun, log: SignalLog, history?: readonly Signal[]) => {
  const last = history?.at(-1);
  // Time goes on from the last committed signal, as it would for a process that restarts.
  const clock = createVirtualClock(last ? Date.parse(last.at) : undefined);
  const refused: string[] = [];
  let n = 0;
  const handle: RunHandle = startRun(dagOf(g), {
    runId: 'run-1',
    ids: () => `${history?.length ?? 0}.${++n}`,
    random: () => 0.5,
    clock,
    log,
    ladder: ladderOf(g.models, g.human),
    maxConcurrency: g.maxConcurrency,
    ...(history && { history }),
  });
  const answer = (s: Signal) => {
    if (s.type !== 'node.awaiting_approval') return;
    const input = decisionFor(g, s);
    if (!input) return;
    const r = handle.decide(s.approvalId, input);
    if (!r.ok) refused.push(`${s.approvalId}: ${r.code}`);
  };
  handle.subscribe(answer);
  // Requests still open in the history are answered as the first run answered them.
  for (const s of history ?? [])
    if (
      s.type === 'node.awaiting_approval' &&
      handle.view.nodes.get(s.nodeId)?.pendingApproval?.approvalId === s.approvalId
    )
      queueMicrotask(() => answer(s));
  try {
    const result = await within(handle.result, 5000);
    return { result, signals: handle.signals, refused };
  } finally {
    clock.stop();
  }
};

/** What must not depend on where the run was cut: lanes, outputs, decisions per node. */
const outcomeOf = (result: RunResult, signals: readonly Signal[]) => {
  const lanes: Record<string, Lane> = {};
  for (const [id, node] of result.view.nodes) lanes[id] = node.lane;
  const decisions = signals
    .flatMap((s) =>
      s.type === 'approval.decided' ? [`${s.nodeId} ${s.decision} ${s.by} ${JSON.stringify(s.output)}`] : [],
    )
    .sort();
  return { status: result.status, lanes, outputs: result.outputs, decisions };
};

describe('exact recovery at every commit boundary', () => {
  it('resuming from any committed prefix ends as the uninterrupted run', async () => {
    await fc.assert(
      fc.asyncProperty(genRun, async (g) => {
        const log = batchLog();
        const full = await runOnce(g, log);
        expect(full.refused).toEqual([]);
        const expected = outcomeOf(full.result, full.signals);
        for (const cut of log.boundaries) {
          const history = full.signals.slice(0, cut);
          const resumed = await runOnce(g, batchLog(), history);
          const where = `cut after seq ${cut} of ${full.signals.length}`;
          expect(resumed.refused, where).toEqual([]);
          expect(outcomeOf(resumed.result, resumed.signals), where).toEqual(expected);
          expect(resumed.signals.slice(0, cut), where).toEqual(history);
          expect(
            resumed.signals.map((s) => s.seq),
            where,
          ).toEqual(resumed.signals.map((_, i) => i + 1));
          const { counts, orphans } = terminalsPerAttempt(resumed.signals);
          expect(orphans, where).toEqual([]);
          for (const [key, k] of counts) expect(k, `${where}: terminal signals of ${key}`).toBe(1);
          const perNode = new Map<string, Signal[]>();
          for (const s of resumed.signals)
            if ('nodeId' in s) perNode.set(s.nodeId, [...(perNode.get(s.nodeId) ?? []), s]);
          for (const [id, list] of perNode) checkLaneMachine(id, list);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
