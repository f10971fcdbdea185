/**
 * The shape of a run as its signals project it, and an empty one; `projection.ts` folds signals
 * into it.
 */
import type { TierReason } from './economics/tier-reason.ts';
import type { EscalationRequest, EscalationRoute, Ratings } from './escalation.ts';
import type { Lane, LaneState } from './lanes.ts';
import type { ErrorInfo, Json, SignalOf, SkipReason } from './signals.ts';
import type { Ladder } from './tier.ts';

export type RunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The approval a node is waiting on. */
export interface PendingApproval {
  approvalId: string;
  prompt: string;
  payload?: Json;
  expiresAt?: string;
  since: string;
}

/** Tokens and cost, summed. */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  calls: number;
}

/** One node's projected state. Mutated in place by `apply`; `rev` changes whenever it does. */
export interface NodeView extends LaneState {
  id: string;
  label?: string;
  tier: number;
  model?: string;
  parentId?: string;
  spawnReason?: 'escalation' | 'spawn';
  /** Why the start-tier policy started the node at its tier (`startTier: "auto"`). */
  tierReason?: TierReason;
  /** Nodes queued with this node as parent, in order (escalation children and spawned nodes). */
  children: readonly string[];
  queuedAt?: string;
  startedAt?: string;
  endedAt?: string;
  elapsedMs?: number;
  /** Time spent waiting for people's decisions, summed over the attempt's ended waits. */
  waitedMs?: number;
  output?: Json;
  error?: ErrorInfo;
  pendingApproval?: PendingApproval;
  decision?: SignalOf<'approval.decided'>;
  escalation?: {
    route: EscalationRoute;
    reason: string;
    toTier?: number;
    childId?: string;
    request: EscalationRequest;
  };
  lastRating?: { ratings: Ratings; overall: number; target: number; passed: boolean; round: number };
  skipReason?: SkipReason;
  cancelReason?: string;
  usage: Readonly<UsageTotals>;
  /** Bumped on every change, so UI bindings can memoise per node. */
  rev: number;
}

export type EscalationEvent = SignalOf<'escalation.requested'> | SignalOf<'node.escalated'>;
export type ConfidenceEvent =
  | SignalOf<'confidence.rated'>
  | SignalOf<'confidence.passed'>
  | SignalOf<'confidence.escalated'>;
export type ApprovalEvent = SignalOf<'node.awaiting_approval'> | SignalOf<'approval.decided'>;

/** A whole run folded from its signals. */
export interface RunView {
  runId?: string;
  dagId?: string;
  ladder: Ladder;
  status: RunStatus;
  startedAt?: string;
  endedAt?: string;
  error?: ErrorInfo;
  reason?: string;
  /** Highest seq applied; signals arrive 1, 2, 3 … */
  lastSeq: number;
  /** Set when a signal arrived past a hole; the client should re-fetch after `expected - 1`. */
  gap: { expected: number; got: number } | null;
  /** Insertion order is the order nodes were first seen. */
  nodes: Map<string, NodeView>;
  counts: Record<Lane, number>;
  escalations: EscalationEvent[];
  confidence: ConfidenceEvent[];
  approvals: ApprovalEvent[];
  usageByTier: Map<number, UsageTotals>;
  usage: UsageTotals;
  /**
   * What the run would have cost with every node on the top model tier (the last non-human rung of
   * the ladder): the tokens of each `usage` signal priced at that tier, except those of escalation
   * children, whose work a run on the top tier would not have had to redo.
   */
  topTierCostUsd: number;
  /** `topTierCostUsd - usage.costUsd`: what running cheap first saved (negative if it cost more). */
  savingUsd: number;
  /** Bumped on every applied signal. */
  rev: number;
}

export const zeroUsage = (): UsageTotals => ({ inputTokens: 0, outputTokens: 0, costUsd: 0, calls: 0 });

// A literal, not built from `lanes`: see createRunView.
const zeroCounts = (): Record<Lane, number> => ({
  queued: 0,
  running: 0,
  awaiting_approval: 0,
  succeeded: 0,
  failed: 0,
  escalated: 0,
  skipped: 0,
  cancelled: 0,
});

/** An empty view, ready for `apply`. */
export const createRunView = (): RunView => ({
  // Every field up front, the optional ones too: a layout V8 builds by adding fields is forgotten
  // once no view has it, and the code optimised for it with it.
  runId: undefined,
  dagId: undefined,
  ladder: [],
  status: 'pending',
  startedAt: undefined,
  endedAt: undefined,
  error: undefined,
  reason: undefined,
  lastSeq: 0,
  gap: null,
  nodes: new Map(),
  counts: zeroCounts(),
  escalations: [],
  confidence: [],
  approvals: [],
  usageByTier: new Map(),
  usage: zeroUsage(),
  topTierCostUsd: 0,
  savingUsd: 0,
  rev: 0,
});
