import { type NodeView, projectRun, type RunView } from '../projection.ts';
import type { Decision, Signal, SignalOf } from '../signals.ts';

/** What a run's committed signals say about where it stopped (crash recovery). */
export interface RecoveredRun {
  view: RunView;
  /** Nodes in the order they were first queued. */
  nodes: NodeView[];
  /** Whether each node's latest `node.failed` promised a retry that never came. */
  retryPending: Set<string>;
  /** Decisions already recorded, by approval id. */
  decided: Map<string, Decision>;
  /** Approval ids that timed out (a later decision is late). */
  timedOut: Set<string>;
  /** Node attempts whose escalation was already routed. */
  routed: Set<string>;
  /** Every approval request, by node, in order. */
  awaiting: Map<string, SignalOf<'node.awaiting_approval'>[]>;
  /** How many of each node's attempts a restart interrupted. */
  interrupted: Map<string, number>;
  ended: boolean;
}

/** Folds a run's history into the state the executor needs to resume it. */
export const recoverRun = (history: readonly Signal[]): RecoveredRun => {
  const view = projectRun(history);
  const retryPending = new Set<string>();
  const decided = new Map<string, Decision>();
  const timedOut = new Set<string>();
  const routed = new Set<string>();
  const awaiting = new Map<string, SignalOf<'node.awaiting_approval'>[]>();
  const interrupted = new Map<string, number>();
  for (const s of history) {
    if (s.type === 'node.failed') {
      if (s.error.code === 'interrupted') interrupted.set(s.nodeId, (interrupted.get(s.nodeId) ?? 0) + 1);
      if (s.willRetry) retryPending.add(s.nodeId);
      else retryPending.delete(s.nodeId);
    } else if (s.type === 'node.queued' || s.type === 'node.started') retryPending.delete(s.nodeId);
    else if (s.type === 'approval.decided') {
      decided.set(s.approvalId, s.decision);
      if (s.by === 'timeout') timedOut.add(s.approvalId);
    } else if (s.type === 'node.escalated') routed.add(`${s.nodeId}#${s.attempt}`);
    else if (s.type === 'node.awaiting_approval')
      awaiting.set(s.nodeId, [...(awaiting.get(s.nodeId) ?? []), s]);
  }
  return {
    view,
    nodes: [...view.nodes.values()],
    retryPending,
    decided,
    timedOut,
    routed,
    awaiting,
    interrupted,
    ended: view.status === 'succeeded' || view.status === 'failed' || view.status === 'cancelled',
  };
};
