import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTerminalLane,
  type Lane,
  type LaneState,
  laneFor,
  laneOfSignal,
  lanes,
  type Signal,
  type SignalType,
  stepLane,
} from '../src/index.ts';
import { runStreamArb, signalArbs, signalsOfNode } from './arbitraries.ts';
import { request, sig } from './builders.ts';

// Signals that move a node to each lane, for attempt n.
const queued = (n = 1) => sig('node.queued', { tier: 0 }, n);
const started = (n = 1) => sig('node.started', { tier: 0 }, n);
const awaiting = (n = 1) => sig('node.awaiting_approval', { approvalId: 'ap', prompt: 'ok?' }, n);
const succeeded = (n = 1) => sig('node.succeeded', { output: 'x', elapsedMs: 1 }, n);
const failed = (n = 1, willRetry = false) =>
  sig('node.failed', { error: { message: 'e', code: 'E' }, elapsedMs: 1, willRetry }, n);
const escalated = (n = 1) =>
  sig('node.escalated', { route: 'give_up', reason: 'r', fromTier: 0, request: request() }, n);
const blocked = (n = 1) => sig('escalation.requested', { request: request({ urgency: 'blocked' }) }, n);
const fyi = (n = 1) => sig('escalation.requested', { request: request({ urgency: 'fyi' }) }, n);
const skipped = (n = 1) => sig('node.skipped', { reason: 'condition_false' }, n);
const cancelled = (n = 1) => sig('node.cancelled', {}, n);
const usage = (n = 1) =>
  sig('usage', { tier: 0, model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0 }, n);

/** Signals that bear no lane. */
const laneless = (n = 1): Signal[] => [
  sig('approval.decided', { approvalId: 'ap', decision: 'approved', by: 'ana' }, n),
  sig('approval.decided', { approvalId: 'ap', decision: 'rejected', by: 'ana' }, n),
  sig('usage', { tier: 0, model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0 }, n),
  sig(
    'confidence.rated',
    { ratings: { correctness: 0.2 }, overall: 0.2, target: 0.9, passed: false, round: 1 },
    n,
  ),
  sig('confidence.passed', { overall: 0.95, target: 0.9, rounds: 1 }, n),
  sig('confidence.escalated', { overall: 0.2, target: 0.9, rounds: 3 }, n),
  sig('node.output_delta', { text: 'par' }, n),
  fyi(n),
];
const runSignals: Signal[] = [
  { type: 'run.started', runId: 'run-1', seq: 1, at: '2025-03-01T12:00:00.000Z', ladder: [] },
  { type: 'run.succeeded', runId: 'run-1', seq: 1, at: '2025-03-01T12:00:00.000Z' },
  { type: 'run.failed', runId: 'run-1', seq: 1, at: '2025-03-01T12:00:00.000Z' },
  { type: 'run.cancelled', runId: 'run-1', seq: 1, at: '2025-03-01T12:00:00.000Z' },
] as Signal[];

/** A signal sequence (attempt 1) that leaves the node in each lane. */
const reach: Record<Lane, Signal[]> = {
  queued: [queued()],
  running: [queued(), started()],
  awaiting_approval: [queued(), started(), awaiting()],
  succeeded: [queued(), started(), succeeded()],
  failed: [queued(), started(), failed()],
  escalated: [queued(), started(), escalated()],
  skipped: [queued(), skipped()],
  cancelled: [queued(), started(), cancelled()],
};

const terminalLanes: Lane[] = ['succeeded', 'failed', 'escalated', 'skipped', 'cancelled'];

describe('laneOfSignal', () => {
  it('maps each state-bearing type to its lane', () => {
    expect(laneOfSignal(queued())).toBe('queued');
    expect(laneOfSignal(started())).toBe('running');
    expect(laneOfSignal(awaiting())).toBe('awaiting_approval');
    expect(laneOfSignal(succeeded())).toBe('succeeded');
    expect(laneOfSignal(failed())).toBe('failed');
    expect(laneOfSignal(escalated())).toBe('escalated');
    expect(laneOfSignal(blocked())).toBe('escalated');
    expect(laneOfSignal(skipped())).toBe('skipped');
    expect(laneOfSignal(cancelled())).toBe('cancelled');
  });

  it('gives no lane for approval.decided, usage, confidence.*, output_delta, fyi requests, run.*', () => {
    for (const s of [...laneless(), ...runSignals]) expect(laneOfSignal(s), s.type).toBeUndefined();
  });
});

describe('isTerminalLane', () => {
  it('is true exactly for succeeded, failed, escalated, skipped, cancelled', () => {
    expect(lanes.filter(isTerminalLane)).toEqual(terminalLanes);
  });
});

describe('laneFor', () => {
  it('is queued for no signals, or for signals that bear no lane', () => {
    expect(laneFor([])).toBe('queued');
    expect(laneFor(laneless())).toBe('queued');
    expect(laneFor(runSignals)).toBe('queued');
  });

  it.each(lanes)('reaches %s', (lane) => {
    expect(laneFor(reach[lane])).toBe(lane);
  });

  it('takes the latest state-bearing signal', () => {
    expect(laneFor([queued(), started(), awaiting(), started()])).toBe('running');
    expect(laneFor([queued(), started(), blocked()])).toBe('escalated');
    expect(laneFor([started(), queued()])).toBe('queued');
    expect(laneFor([awaiting(), succeeded()])).toBe('succeeded');
    expect(laneFor([queued(), started(), failed(), usage()])).toBe('failed');
  });

  it('accepts an iterable, consumed once in order', () => {
    function* gen() {
      yield queued();
      yield started();
      yield succeeded();
    }
    expect(laneFor(gen())).toBe('succeeded');
  });

  describe('terminal lanes are sticky', () => {
    const nonReopening: [string, Signal][] = [
      ['awaiting_approval', awaiting()],
      ['succeeded', succeeded()],
      ['failed', failed()],
      ['escalated', escalated()],
      ['escalation.requested blocked', blocked()],
      ['skipped', skipped()],
      ['cancelled', cancelled()],
    ];
    for (const lane of terminalLanes) {
      it.each(nonReopening)(`${lane} stays ${lane} after %s`, (_, s) => {
        expect(laneFor([...reach[lane], s])).toBe(lane);
      });
      it(`${lane} stays ${lane} after run signals and later-attempt state signals other than queued/started`, () => {
        expect(laneFor([...reach[lane], ...runSignals])).toBe(lane);
        expect(laneFor([...reach[lane], awaiting(2), succeeded(2), failed(3), skipped(4)])).toBe(lane);
      });
      it(`${lane} is re-opened by node.queued or node.started of a new attempt`, () => {
        expect(laneFor([...reach[lane], queued(2)])).toBe('queued');
        expect(laneFor([...reach[lane], started(2)])).toBe('running');
        expect(laneFor([...reach[lane], queued(2), started(2), succeeded(2)])).toBe('succeeded');
      });
    }
  });

  it.each(lanes)('signals without a lane never change %s', (lane) => {
    for (const s of [...laneless(), ...laneless(2), ...runSignals]) {
      expect(laneFor([...reach[lane], s]), s.type).toBe(lane);
    }
    expect(laneFor([...reach[lane], ...laneless()])).toBe(lane);
  });

  it('escalation.requested: blocked escalates, fyi changes nothing', () => {
    expect(laneFor([queued(), started(), blocked()])).toBe('escalated');
    expect(laneFor([queued(), started(), fyi()])).toBe('running');
    expect(laneFor([queued(), fyi()])).toBe('queued');
    expect(laneFor([queued(), started(), awaiting(), fyi()])).toBe('awaiting_approval');
    expect(laneFor([queued(), started(), blocked(), started(2)])).toBe('running');
  });

  it('ignores a signal whose attempt is lower than one already seen', () => {
    expect(laneFor([queued(2), started(1)])).toBe('queued');
    expect(laneFor([queued(1), started(1), failed(1, true), queued(2), succeeded(1)])).toBe('queued');
    expect(laneFor([queued(3), started(3), queued(2)])).toBe('running');
    expect(laneFor([queued(2), started(2), cancelled(1)])).toBe('running');
    // A lane-less signal of a higher attempt still raises the bar.
    expect(laneFor([queued(1), started(1), usage(2), succeeded(1)])).toBe('running');
    // Equal attempts are not stale.
    expect(laneFor([queued(2), started(2), succeeded(2)])).toBe('succeeded');
  });

  it('follows the retry flow: failed{willRetry} -> queued attempt 2 -> running -> succeeded', () => {
    const flow = [queued(1), started(1), failed(1, true), queued(2), started(2), succeeded(2)];
    const seen = flow.map((_, i) => laneFor(flow.slice(0, i + 1)));
    expect(seen).toEqual(['queued', 'running', 'failed', 'queued', 'running', 'succeeded']);
  });

  it('follows the approval flow: awaiting -> decided -> started -> succeeded', () => {
    const decided = laneless()[0] as Signal;
    const flow = [queued(), awaiting(), decided, started(), succeeded()];
    const seen = flow.map((_, i) => laneFor(flow.slice(0, i + 1)));
    expect(seen).toEqual(['queued', 'awaiting_approval', 'awaiting_approval', 'running', 'succeeded']);
  });
});

describe('stepLane', () => {
  it('rejects run signals and stale signals without touching the state', () => {
    const state: LaneState = { lane: 'running', attempt: 2 };
    for (const s of runSignals) expect(stepLane(state, s)).toBe(false);
    expect(stepLane(state, succeeded(1))).toBe(false);
    expect(state).toEqual({ lane: 'running', attempt: 2 });
  });

  it('accepts current and newer attempts, raising the attempt', () => {
    const state: LaneState = { lane: 'queued', attempt: 0 };
    expect(stepLane(state, started(1))).toBe(true);
    expect(state).toEqual({ lane: 'running', attempt: 1 });
    expect(stepLane(state, usage(3))).toBe(true);
    expect(state).toEqual({ lane: 'running', attempt: 3 });
    expect(stepLane(state, succeeded(3))).toBe(true);
    // Accepted but sticky: the lane stays.
    expect(stepLane(state, failed(3))).toBe(true);
    expect(state).toEqual({ lane: 'succeeded', attempt: 3 });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties against a reference written straight from the lane rules.

const LANE_OF: Partial<Record<SignalType, Lane>> = {
  'node.queued': 'queued',
  'node.started': 'running',
  'node.awaiting_approval': 'awaiting_approval',
  'node.succeeded': 'succeeded',
  'node.failed': 'failed',
  'node.escalated': 'escalated',
  'node.skipped': 'skipped',
  'node.cancelled': 'cancelled',
};

const referenceLane = (signals: readonly Signal[]): Lane => {
  let lane: Lane = 'queued';
  let highest = 0;
  for (const s of signals) {
    if (!('attempt' in s)) continue; // run-level signals never move a node
    if (s.attempt < highest) continue; // stale
    highest = s.attempt;
    const next =
      s.type === 'escalation.requested'
        ? s.request.urgency === 'blocked'
          ? 'escalated'
          : undefined
        : LANE_OF[s.type];
    if (next === undefined) continue;
    const reopens = s.type === 'node.queued' || s.type === 'node.started';
    if (terminalLanes.includes(lane) && !reopens) continue;
    lane = next;
  }
  return lane;
};

const oneNode = runStreamArb({ nodes: 1, maxLength: 30 }).map((r) => signalsOfNode(r.signals, 'n0'));
const lanelessArb = fc.oneof(
  signalArbs['approval.decided'],
  signalArbs.usage,
  signalArbs['confidence.rated'],
  signalArbs['confidence.passed'],
  signalArbs['confidence.escalated'],
  signalArbs['node.output_delta'],
  signalArbs['escalation.requested'].map((s) => ({
    ...s,
    request: { ...s.request, urgency: 'fyi' as const },
  })),
);

describe('laneFor properties', () => {
  it('equals the reference on random node histories', () => {
    fc.assert(
      fc.property(oneNode, (signals) => {
        expect(laneFor(signals)).toBe(referenceLane(signals));
      }),
      { numRuns: 300 },
    );
  });

  it('inserting lane-less attempt-1 signals anywhere never changes the lane', () => {
    const inserts = fc.array(fc.tuple(fc.nat(), lanelessArb), { maxLength: 6 });
    fc.assert(
      fc.property(oneNode, inserts, (signals, extra) => {
        const mixed = [...signals];
        for (const [at, s] of extra) mixed.splice(at % (mixed.length + 1), 0, { ...s, attempt: 1 } as Signal);
        expect(laneFor(mixed)).toBe(laneFor(signals));
      }),
      { numRuns: 200 },
    );
  });

  it('once terminal, only node.queued / node.started leave the lane', () => {
    fc.assert(
      fc.property(oneNode, oneNode, (a, b) => {
        const lane = laneFor(a);
        fc.pre(isTerminalLane(lane));
        const rest = b.filter((s) => s.type !== 'node.queued' && s.type !== 'node.started');
        expect(laneFor([...a, ...rest])).toBe(lane);
      }),
      { numRuns: 200 },
    );
  });

  it('appending stale signals never changes the lane', () => {
    fc.assert(
      fc.property(oneNode, oneNode, (a, b) => {
        const top = Math.max(0, ...a.map((s) => ('attempt' in s ? s.attempt : 0)));
        fc.pre(top > 1);
        const stale = b.map((s) => ({ ...s, attempt: top - 1 }) as Signal);
        expect(laneFor([...a, ...stale])).toBe(laneFor(a));
      }),
      { numRuns: 200 },
    );
  });
});
