import type { DagSpec, NodeSpec } from '../dag.ts';
import { projectRun } from '../projection.ts';
import type { NodeView } from '../run-view.ts';
import type { Signal } from '../signals.ts';
import { emptyTierStats, type NodeObservation, type TierStats } from './history.ts';
import { policySavingUsd } from './tier-reason.ts';
import { workHash } from './work-hash.ts';

/** What one finished run cost, for a DAG's economics: by tier, and against the top tier. */
export interface RunCost {
  runId: string;
  /** When the run ended (ISO-8601). */
  endedAt: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  costUsd: number;
  /** Cost by tier name (all provider calls, raters included). */
  costByTier: Record<string, number>;
  /** The same work priced at the top model tier (see `RunView.topTierCostUsd`). */
  topTierCostUsd: number;
  /** Expected cost the start-tier policy saved against the nodes' configured start tiers. */
  policySavingUsd: number;
}

/** A finished run, as the node history and the cost series take it. */
export interface RunObservation extends RunCost {
  dagId?: string;
  /** Each DAG node whose escalation chain did some finished work, by node id. */
  nodes: Record<string, NodeObservation>;
}

const finished = { succeeded: true, escalated: true, failed: true } as Record<string, boolean>;

/**
 * Reads a finished run's signals as history: for each DAG node, each step of its escalation chain
 * that finished (succeeded, escalated or failed for good) counts one run at that step's tier, a pass
 * when it succeeded. Work a restart interrupted, cancelled or skipped work and nodes spawned at run
 * time are not a DAG node's history. Undefined while the run has not ended.
 */
export const observeRun = (dag: DagSpec, signals: readonly Signal[]): RunObservation | undefined => {
  const view = projectRun(signals);
  if (view.status !== 'succeeded' && view.status !== 'failed' && view.status !== 'cancelled')
    return undefined;
  const tierName = (i: number) => view.ladder[i]?.name ?? String(i);
  const rounds = new Map<string, number>();
  for (const c of view.confidence)
    if (c.type === 'confidence.rated') rounds.set(c.nodeId, (rounds.get(c.nodeId) ?? 0) + 1);
  const decisions = new Map<string, { approved: number; rejected: number }>();
  for (const a of view.approvals)
    if (a.type === 'approval.decided') {
      const d = decisions.get(a.nodeId) ?? { approved: 0, rejected: 0 };
      d[a.decision]++;
      decisions.set(a.nodeId, d);
    }
  const specs = new Map(dag.nodes.map((n) => [n.id, n]));
  const rootOf = (n: NodeView): string | undefined => {
    let x: NodeView | undefined = n;
    while (x?.spawnReason === 'escalation' && x.parentId !== undefined) x = view.nodes.get(x.parentId);
    return x && x.parentId === undefined && specs.has(x.id) ? x.id : undefined;
  };
  // Maps while counting, records at the end: a node or tier may be named `__proto__`.
  const nodes = new Map<string, { workHash: string; tiers: Map<string, TierStats> }>();
  for (const n of view.nodes.values()) {
    if (!finished[n.lane]) continue;
    const root = rootOf(n);
    if (root === undefined) continue;
    let obs = nodes.get(root);
    if (obs === undefined) {
      obs = { workHash: workHash(specs.get(root) as NodeSpec), tiers: new Map() };
      nodes.set(root, obs);
    }
    const name = tierName(n.tier);
    const t = obs.tiers.get(name) ?? emptyTierStats();
    obs.tiers.set(name, t);
    t.runs++;
    if (n.lane === 'succeeded') t.passes++;
    // A step of the chain after its first: the node escalated into this tier.
    const entered = n.id !== root;
    if (entered) {
      t.enteredRuns = (t.enteredRuns ?? 0) + 1;
      if (n.lane === 'succeeded') t.enteredPasses = (t.enteredPasses ?? 0) + 1;
      t.enteredCostUsd = (t.enteredCostUsd ?? 0) + n.usage.costUsd;
    }
    t.attempts += n.attempt;
    t.rounds += rounds.get(n.id) ?? 0;
    t.calls += n.usage.calls;
    t.costUsd += n.usage.costUsd;
    t.inputTokens += n.usage.inputTokens;
    t.outputTokens += n.usage.outputTokens;
    if (n.lane === 'escalated' && n.escalation) {
      t.escalations++;
      const trigger = n.escalation.request.trigger;
      t.triggers[trigger] = (t.triggers[trigger] ?? 0) + 1;
    }
    const d = decisions.get(n.id);
    if (d) {
      t.approved += d.approved;
      t.rejected += d.rejected;
    }
  }
  const costByTier = new Map<string, number>();
  for (const [tier, u] of view.usageByTier)
    costByTier.set(tierName(tier), (costByTier.get(tierName(tier)) ?? 0) + u.costUsd);
  return {
    runId: view.runId ?? '',
    ...(view.dagId !== undefined && { dagId: view.dagId }),
    endedAt: view.endedAt ?? '',
    status: view.status,
    costUsd: view.usage.costUsd,
    costByTier: Object.fromEntries(costByTier),
    topTierCostUsd: view.topTierCostUsd,
    policySavingUsd: policySavingUsd(view),
    nodes: Object.fromEntries(
      [...nodes].map(([id, o]) => [id, { workHash: o.workHash, tiers: Object.fromEntries(o.tiers) }]),
    ),
  };
};
