import { stepLane } from './lanes.ts';
import { createRunView, type NodeView, type RunView, type UsageTotals, zeroUsage } from './run-view.ts';
import type { Signal, SignalOf } from './signals.ts';
import type { Ladder } from './tier.ts';

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

/** A wait for a decision ended at `at`: its time joins the node's `waitedMs`. */
const endWait = (node: NodeView, at: string): void => {
  const since = node.pendingApproval?.since;
  if (since === undefined) return;
  node.waitedMs = (node.waitedMs ?? 0) + Math.max(0, Date.parse(at) - Date.parse(since));
  node.pendingApproval = undefined;
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
    // Only nodes that waited carry the field: the rest keep their shape.
    if (node.waitedMs !== undefined) node.waitedMs = undefined;
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
      endWait(node, s.at);
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
      endWait(node, s.at);
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
      endWait(node, s.at);
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
