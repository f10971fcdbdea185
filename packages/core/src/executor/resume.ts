import type { NodeSpec } from '../dag.ts';
import type { EscalationRequest } from '../escalation.ts';
import { isTerminalLane } from '../lanes.ts';
import { projectRun } from '../projection.ts';
import type { NodeView, RunView } from '../run-view.ts';
import type { Decision, Json, Signal, SignalOf } from '../signals.ts';
import { askAfter } from './approval-desk.ts';
import { childInit } from './escalation-chain.ts';
import { addNode, becomeReady, finishNode, link, recordResolution, registerDependent } from './lifecycle.ts';
import { labelOf, moveTo, type NodeRecord, type Wait } from './node-record.ts';
import type { SpawnOptions } from './operations.ts';
import { end, settle } from './run-end.ts';
import type { RunState } from './run-state.ts';
import { mapChildOf, spawnedInit } from './spawn.ts';

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

/**
 * Rebuilds the run's state from its committed signals and carries on from there, so that it ends as
 * it would have without the restart: what ended stays ended, an interrupted attempt is closed and
 * done again, open requests are waited on, committed decisions are carried out.
 */
export const resume = (run: RunState, rec: RecoveredRun, dagId: string | undefined): void => {
  if (!rec.view.startedAt) run.emitter.emit('run.started', { ladder: run.ladder, ...(dagId && { dagId }) });
  for (const [id, d] of rec.decided) run.decided.set(id, { decision: d, late: rec.timedOut.has(id) });
  // An approval whose wait ended undecided (timed out into an escalation, cancelled) stays closed.
  for (const list of rec.awaiting.values())
    for (const a of list)
      if (
        !run.decided.has(a.approvalId) &&
        rec.view.nodes.get(a.nodeId)?.pendingApproval?.approvalId !== a.approvalId
      )
        run.decided.set(a.approvalId, { late: true });
  for (const key of rec.routed) run.routed.add(key);
  const pending = new Set<NodeRecord>();
  for (const n of rec.nodes) {
    const node = rebuild(run, rec, n);
    if (node) restoreLane(run, node, n, rec, pending);
  }
  // DAG nodes whose node.queued never got committed.
  for (const root of run.dag.roots)
    if (!run.nodes.has(root.spec.id))
      addNode(
        run,
        root.spec,
        { rootId: root.spec.id, tier: root.start, maxTier: root.max, deps: root.deps },
        root.tierReason && { tierReason: root.tierReason },
      );
  for (const { spec } of run.dag.roots) {
    const node = run.nodes.get(spec.id) as NodeRecord;
    if (node.phase === 'queued' && !pending.has(node)) link(run, node);
    else registerDependent(run, node);
  }
  goOn(run, pending, rec);
  if (rec.ended) {
    run.finished = true;
    void end(run, rec.view.status as 'succeeded' | 'failed' | 'cancelled');
  } else settle(run);
};

/** Starts again what the restore left going: retries, open requests, decisions, queued work. */
const goOn = (run: RunState, pending: Set<NodeRecord>, rec: RecoveredRun) => {
  for (const node of pending) {
    if (run.cancelled) break;
    if (node.phase === 'retry') {
      node.attempt++;
      moveTo(node, 'queued');
      run.emitter.emit('node.queued', {
        nodeId: node.id,
        attempt: node.attempt,
        label: labelOf(node),
        tier: node.tier,
      });
    }
    const after = node.spec.approval?.when === 'after' && !node.human && node.spec.kind !== 'approval';
    if (node.resumeApproval && after)
      askAfter(run, node, rec.view.nodes.get(node.id)?.pendingApproval?.payload);
    else if (node.rootId !== node.id || node.deps.length === 0 || node.resumeApproval || node.resumeDecision)
      becomeReady(run, node);
    else link(run, node);
  }
};

/** The node record a node of the log stands for; undefined when it is closed here for good. */
const rebuild = (run: RunState, rec: RecoveredRun, n: NodeView): NodeRecord | undefined => {
  const root = run.dag.byId.get(n.id);
  const parent = n.parentId === undefined ? undefined : run.nodes.get(n.parentId);
  let node: NodeRecord;
  if (root) {
    node = addNode(
      run,
      root.spec,
      { rootId: n.id, tier: n.tier, maxTier: root.max, deps: root.deps },
      {},
      false,
    );
  } else if (parent && n.spawnReason === 'escalation') {
    const request = rec.view.nodes.get(parent.id)?.escalation?.request as EscalationRequest;
    // A human rung asks in the same commit that queues it: its first request holds the review.
    const asked = rec.awaiting.get(n.id)?.[0]?.payload as { output?: Json } | undefined;
    node = addNode(
      run,
      { ...parent.spec, id: n.id, ...(n.label !== undefined && { label: n.label }) },
      childInit(run, parent, request, n.tier, asked?.output),
      { parentId: parent.id, spawnReason: 'escalation' },
      false,
    );
  } else if (parent && mapChildOf(parent, n.id)) {
    // A map's child is made from the map's spec: rebuilt whole, it goes on as the log left it.
    run.spawned++;
    const child = mapChildOf(parent, n.id) as { spec: NodeSpec; options: SpawnOptions };
    node = addNode(
      run,
      child.spec,
      { ...spawnedInit(run, parent, child.spec, child.options, []), tier: n.tier },
      { parentId: parent.id, spawnReason: 'spawn' },
      false,
    );
    node.reuseBy = parent.attempt;
  } else {
    // Any other spawned node's spec is not in the log: keep what it finished, cancel what it had
    // not; its spawner runs again and reuses the children that succeeded.
    run.spawned++;
    node = addNode(
      run,
      { id: n.id, kind: 'transform', mapping: null, label: n.label ?? n.id } as NodeSpec,
      { rootId: n.id, tier: n.tier, maxTier: n.tier, deps: [] },
      n.parentId !== undefined ? { parentId: n.parentId, spawnReason: 'spawn' } : {},
      false,
    );
    if (!isTerminalLane(n.lane)) {
      node.attempt = n.attempt;
      run.emitter.emit('node.cancelled', {
        nodeId: n.id,
        attempt: n.attempt,
        reason: 'restarted; its parent runs again',
      });
      finishNode(run, node);
      node.resolution = { ok: false, skip: 'upstream_failed' };
      return undefined;
    }
  }
  node.attempt = Math.max(1, n.attempt);
  node.interrupted = rec.interrupted.get(n.id) ?? 0;
  // An approval before the work, once approved, holds for every later attempt.
  node.approvedBefore ||=
    node.spec.approval?.when === 'before' &&
    n.decision?.decision === 'approved' &&
    n.lane !== 'awaiting_approval';
  return node;
};

/** Puts a rebuilt node where its signals left it; `pending` collects those that go on. */
const restoreLane = (
  run: RunState,
  node: NodeRecord,
  n: NodeView,
  rec: RecoveredRun,
  pending: Set<NodeRecord>,
) => {
  switch (n.lane) {
    case 'succeeded':
      finishNode(run, node);
      node.resolution = { ok: true, output: n.output ?? null, skip: 'upstream_failed' };
      recordResolution(run, node, node.resolution);
      return;
    case 'escalated':
      finishNode(run, node);
      if (n.escalation?.route === 'give_up') {
        run.firstError ??= { message: `${node.rootId} gave up: ${n.escalation.reason}`, code: 'gave_up' };
        recordResolution(run, node, { ok: false, skip: 'upstream_gave_up' });
      }
      return;
    case 'failed':
      if (rec.retryPending.has(node.id)) {
        moveTo(node, 'retry');
        pending.add(node);
        return;
      }
      finishNode(run, node);
      run.firstError ??= {
        message: `${node.id}: ${n.error?.message ?? 'failed'}`,
        code: n.error?.code ?? 'error',
      };
      recordResolution(run, node, {
        ok: false,
        skip: n.error?.code === 'rejected' ? 'rejected_upstream' : 'upstream_failed',
      });
      return;
    case 'skipped':
      finishNode(run, node);
      recordResolution(run, node, { ok: false, skip: n.skipReason ?? 'upstream_failed' });
      return;
    case 'cancelled':
      finishNode(run, node);
      return;
    case 'running':
      // Its work was lost with the process: the attempt ends, and a new one does the work again.
      run.emitter.emit('node.failed', {
        nodeId: node.id,
        attempt: n.attempt,
        error: { message: 'interrupted: the process running this attempt stopped', code: 'interrupted' },
        elapsedMs: n.startedAt === undefined ? 0 : Math.max(0, run.clock.now() - Date.parse(n.startedAt)),
        willRetry: true,
      });
      node.interrupted++;
      node.attempt = n.attempt + 1;
      run.emitter.emit('node.queued', {
        nodeId: node.id,
        attempt: node.attempt,
        label: labelOf(node),
        tier: node.tier,
      });
      if (!run.dag.byId.has(node.id)) pending.add(node);
      return;
    case 'awaiting_approval':
      if (n.pendingApproval) {
        // Stays queued: asking again moves it to waiting, on the same request.
        node.resumeApproval = {
          approvalId: n.pendingApproval.approvalId,
          ...(n.pendingApproval.expiresAt !== undefined && { expiresAt: n.pendingApproval.expiresAt }),
        };
        pending.add(node);
      } else if (n.decision?.attempt === n.attempt) {
        // Decided, but what follows the decision was not committed: carry the decision out.
        const asked = rec.awaiting.get(n.id)?.find((a) => a.approvalId === n.decision?.approvalId);
        node.resumeDecision = { decision: n.decision, wait: waitAt(node, asked) };
        moveTo(node, 'waiting');
        pending.add(node);
      }
      return;
    case 'queued':
      // A DAG node is linked to its dependencies by the caller; any other node has none to wait for.
      if (!run.dag.byId.has(node.id)) pending.add(node);
      return;
  }
};

/** What a node was asked, from its spec and the request it had emitted. */
const waitAt = (node: NodeRecord, asked: SignalOf<'node.awaiting_approval'> | undefined): Wait => {
  if (node.human) return { kind: 'review', output: node.human.review };
  if (node.spec.kind === 'approval' || node.spec.approval?.when === 'after')
    return { kind: 'review', output: asked?.payload };
  return { kind: 'before' };
};
