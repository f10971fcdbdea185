import type { TierReason } from './economics/tier-reason.ts';
import type { EscalationRequest, EscalationRoute, Ratings } from './escalation.ts';
import { type Lane, type LaneState, stepLane } from './lanes.ts';
import type { ErrorInfo, Json, Signal, SignalOf, SkipReason } from './signals.ts';
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

/** One node's projected state. Mutated in place by {@link apply}; `rev` changes whenever it does. */
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

const zeroUsage = (): UsageTotals => ({ inputTokens: 0, outputTokens: 0, costUsd: 0, calls: 0 });

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

/** An empty view, ready for {@link apply}. */
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

// Most nodes never get a child or a model call (transforms, approvals), and a run may hold 10,000 of
// them: they share these until they do.
const noChildren: readonly string[] = Object.freeze([]);
const noUsage: Readonly<UsageTotals> = Object.freeze(zeroUsage());

const nodeFor = (view: RunView, id: string): NodeView => {
  let node = view.nodes.get(id);
  if (node === undefined) {
    // The fields most nodes get, made up front: each added later would grow the object.
    node = {
      id,
      lane: 'queued',
      attempt: 0,
      tier: 0,
      label: undefined,
      children: noChildren,
      queuedAt: undefined,
      startedAt: undefined,
      endedAt: undefined,
      elapsedMs: undefined,
      output: undefined,
      usage: noUsage,
      rev: 0,
    };
    view.nodes.set(id, node);
    view.counts.queued++;
  }
  return node;
};

const addUsage = (t: UsageTotals, s: SignalOf<'usage'>): void => {
  t.inputTokens += s.inputTokens;
  t.outputTokens += s.outputTokens;
  t.costUsd += s.costUsd;
  t.calls++;
};

/** The signal's tokens priced at the ladder's top model tier; its own cost when there is none. */
const topTierCost = (ladder: Ladder, s: SignalOf<'usage'>): number => {
  // Scans down past the human rung(s) only: O(1) for any real ladder.
  for (let i = ladder.length - 1; i >= 0; i--) {
    const t = ladder[i] as Ladder[number];
    if (t.provider !== 'human')
      return (s.inputTokens / 1000) * t.costPer1kInput + (s.outputTokens / 1000) * t.costPer1kOutput;
  }
  return s.costUsd;
};

const applyRun = (view: RunView, s: Signal): void => {
  switch (s.type) {
    case 'run.started':
      view.status = 'running';
      view.startedAt = s.at;
      view.ladder = s.ladder;
      if (s.dagId !== undefined) view.dagId = s.dagId;
      return;
    case 'run.succeeded':
    case 'run.failed':
    case 'run.cancelled':
      view.status =
        s.type === 'run.succeeded' ? 'succeeded' : s.type === 'run.failed' ? 'failed' : 'cancelled';
      view.endedAt = s.at;
      if (s.error !== undefined) view.error = s.error;
      if (s.reason !== undefined) view.reason = s.reason;
      return;
  }
};

/** Run-wide lists and totals take every signal, including stale attempts: the events happened. */
const applyEvents = (view: RunView, s: Signal): void => {
  switch (s.type) {
    case 'escalation.requested':
    case 'node.escalated':
      view.escalations.push(s);
      return;
    case 'confidence.rated':
    case 'confidence.passed':
    case 'confidence.escalated':
      view.confidence.push(s);
      return;
    case 'node.awaiting_approval':
    case 'approval.decided':
      view.approvals.push(s);
      return;
    case 'usage': {
      let t = view.usageByTier.get(s.tier);
      if (t === undefined) {
        t = zeroUsage();
        view.usageByTier.set(s.tier, t);
      }
      addUsage(t, s);
      addUsage(view.usage, s);
      if (view.nodes.get(s.nodeId)?.spawnReason !== 'escalation')
        view.topTierCostUsd += topTierCost(view.ladder, s);
      view.savingUsd = view.topTierCostUsd - view.usage.costUsd;
      return;
    }
  }
};

const applyNode = (view: RunView, node: NodeView, s: Signal): void => {
  const prevAttempt = node.attempt;
  const prevLane = node.lane;
  if (!stepLane(node, s)) return;
  if (node.lane !== prevLane) {
    view.counts[prevLane]--;
    view.counts[node.lane]++;
  }
  if (node.attempt !== prevAttempt && prevAttempt !== 0) {
    // A new attempt starts clean: the previous attempt's outcome is history.
    node.pendingApproval = undefined;
    node.error = undefined;
    node.endedAt = undefined;
    node.elapsedMs = undefined;
  }
  node.rev++;
  switch (s.type) {
    case 'node.queued':
      node.tier = s.tier;
      node.queuedAt = s.at;
      if (s.label !== undefined) node.label = s.label;
      if (s.tierReason !== undefined) node.tierReason = s.tierReason;
      if (s.parentId !== undefined && node.parentId === undefined) {
        node.parentId = s.parentId;
        node.spawnReason = s.spawnReason;
        const parent = nodeFor(view, s.parentId);
        if (parent.children === noChildren) parent.children = [node.id];
        else if (!parent.children.includes(node.id)) (parent.children as string[]).push(node.id);
        parent.rev++;
      }
      return;
    case 'node.started':
      node.tier = s.tier;
      if (s.model !== undefined) node.model = s.model;
      node.startedAt = s.at;
      return;
    case 'node.awaiting_approval':
      node.pendingApproval = {
        approvalId: s.approvalId,
        prompt: s.prompt,
        since: s.at,
        ...(s.payload !== undefined && { payload: s.payload }),
        ...(s.expiresAt !== undefined && { expiresAt: s.expiresAt }),
      };
      return;
    case 'approval.decided':
      node.pendingApproval = undefined;
      node.decision = s;
      return;
    case 'node.succeeded':
      node.output = s.output;
      node.elapsedMs = s.elapsedMs;
      node.endedAt = s.at;
      return;
    case 'node.failed':
      node.error = s.error;
      node.elapsedMs = s.elapsedMs;
      node.endedAt = s.at;
      return;
    case 'node.escalated':
      // An approval that timed out with `onTimeout: escalate` ends here, without approval.decided.
      node.pendingApproval = undefined;
      node.escalation = {
        route: s.route,
        reason: s.reason,
        request: s.request,
        ...(s.toTier !== undefined && { toTier: s.toTier }),
        ...(s.childId !== undefined && { childId: s.childId }),
      };
      node.endedAt = s.at;
      return;
    case 'escalation.requested':
      if (s.request.urgency === 'blocked') node.endedAt = s.at;
      return;
    case 'confidence.rated':
      node.lastRating = {
        ratings: s.ratings,
        overall: s.overall,
        target: s.target,
        passed: s.passed,
        round: s.round,
      };
      return;
    case 'node.skipped':
      node.skipReason = s.reason;
      node.endedAt = s.at;
      return;
    case 'node.cancelled':
      node.pendingApproval = undefined;
      if (s.reason !== undefined) node.cancelReason = s.reason;
      node.endedAt = s.at;
      return;
    case 'usage':
      if (node.usage === noUsage) node.usage = zeroUsage();
      addUsage(node.usage as UsageTotals, s);
      return;
  }
};

/**
 * Folds one signal into `view`, in O(1) amortised. Returns `false` when the signal was not applied:
 * a duplicate (`seq <= lastSeq`), a signal of another run, or one past a hole in `seq` (then
 * `view.gap` says what is missing and the caller should re-fetch).
 */
export const apply = (view: RunView, s: Signal): boolean => applyKnown(view, s, undefined) !== false;

/**
 * {@link apply} for a caller that may already hold the signal's node in `view` (the one an earlier
 * signal of the same node went to, as `applyKnown` returned it): it skips looking the node up, which
 * in a view of 10,000 nodes is a cache miss. Returns the node the signal went to, `true` for an
 * applied run signal, and `false` when the signal was not applied.
 */
export const applyKnown = (view: RunView, s: Signal, known: NodeView | undefined): NodeView | boolean => {
  if (view.runId === undefined) view.runId = s.runId;
  else if (s.runId !== view.runId) return false;
  if (s.seq <= view.lastSeq) return false;
  if (s.seq !== view.lastSeq + 1) {
    view.gap = { expected: view.lastSeq + 1, got: s.seq };
    return false;
  }
  view.gap = null;
  view.lastSeq = s.seq;
  view.rev++;
  if (!('nodeId' in s)) {
    applyRun(view, s);
    return true;
  }
  applyEvents(view, s);
  const node = known !== undefined && known.id === s.nodeId ? known : nodeFor(view, s.nodeId);
  applyNode(view, node, s);
  return node;
};

/** The batch fold: a fresh view with every signal applied in order. */
export const projectRun = (signals: Iterable<Signal>): RunView => {
  const view = createRunView();
  for (const s of signals) apply(view, s);
  return view;
};
