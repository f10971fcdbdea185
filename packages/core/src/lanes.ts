import type { Signal } from './signals.ts';

/** The canonical six lanes plus `skipped` and `cancelled`. */
export const lanes = [
  'queued',
  'running',
  'awaiting_approval',
  'succeeded',
  'failed',
  'escalated',
  'skipped',
  'cancelled',
] as const;
export type Lane = (typeof lanes)[number];

const terminal: ReadonlySet<Lane> = new Set(['succeeded', 'failed', 'escalated', 'skipped', 'cancelled']);

/** Succeeded, failed, escalated, skipped and cancelled are terminal. */
export const isTerminalLane = (lane: Lane): boolean => terminal.has(lane);

/** The lane a signal implies, or `undefined` when it bears no state. */
export const laneOfSignal = (s: Signal): Lane | undefined => {
  switch (s.type) {
    case 'node.queued':
      return 'queued';
    case 'node.started':
      return 'running';
    case 'node.awaiting_approval':
      return 'awaiting_approval';
    case 'node.succeeded':
      return 'succeeded';
    case 'node.failed':
      return 'failed';
    case 'node.escalated':
      return 'escalated';
    case 'escalation.requested':
      return s.request.urgency === 'blocked' ? 'escalated' : undefined;
    case 'node.skipped':
      return 'skipped';
    case 'node.cancelled':
      return 'cancelled';
    default:
      return undefined;
  }
};

/** Per-node state the lane rules need: the lane and the highest attempt seen. */
export interface LaneState {
  lane: Lane;
  attempt: number;
}

/**
 * Applies one signal to a node's lane state and reports whether the lane rules accepted it.
 * Stale signals (lower attempt than already seen) are rejected; terminal lanes are sticky except
 * for a new attempt's `node.queued` / `node.started`. Shared by {@link laneFor} and the projection.
 */
export const stepLane = (state: LaneState, s: Signal): boolean => {
  if (!('attempt' in s)) return false;
  if (s.attempt < state.attempt) return false;
  state.attempt = s.attempt;
  const next = laneOfSignal(s);
  if (next === undefined) return true;
  if (terminal.has(state.lane) && s.type !== 'node.queued' && s.type !== 'node.started') return true;
  state.lane = next;
  return true;
};

/** The lane of one node, given its signals in order. */
export const laneFor = (signals: Iterable<Signal>): Lane => {
  const state: LaneState = { lane: 'queued', attempt: 0 };
  for (const s of signals) stepLane(state, s);
  return state.lane;
};
