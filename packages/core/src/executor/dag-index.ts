import type { Condition } from '../condition.ts';
import { autoTier, type DagSpec, type NodeSpec, type StartTier } from '../dag.ts';
import { resolveTierRef } from '../dag-validate.ts';
import { own, type TierHistory } from '../economics/history.ts';
import { chooseStartTier, type TierPolicyOptions } from '../economics/policy.ts';
import type { TierReason } from '../economics/tier-reason.ts';
import { workHash } from '../economics/work-hash.ts';
import { isHumanTier, type Ladder } from '../tier.ts';

/** Raised synchronously by `startRun` when the run cannot start (bad tier reference, no ladder). */
export class RunConfigError extends Error {
  override name = 'RunConfigError';
}

/** The ladder's shape as the executor uses it. */
export interface LadderIndex {
  ladder: Ladder;
  /** Index of the human rung, or -1 when the ladder has none. */
  humanTier: number;
  topModelTier: number;
}

export const indexLadder = (ladder: Ladder): LadderIndex => {
  if (ladder.length === 0) throw new RunConfigError('the tier ladder is empty');
  const humanTier = isHumanTier(ladder[ladder.length - 1]) ? ladder.length - 1 : -1;
  const topModelTier = humanTier >= 0 ? humanTier - 1 : ladder.length - 1;
  if (topModelTier < 0) throw new RunConfigError('the tier ladder has no model tier');
  return { ladder, humanTier, topModelTier };
};

/** A node's tier reference as a model tier index of the ladder; `fallback` when it has none. */
export const tierIndex = (
  l: LadderIndex,
  ref: NodeSpec['maxTier'],
  fallback: number,
  field: string,
  id: string,
): number => {
  if (ref === undefined) return fallback;
  const i = resolveTierRef(ref, l.ladder);
  if (i === undefined || i > l.topModelTier)
    throw new RunConfigError(`node ${id}: ${field} ${JSON.stringify(ref)} is not a model tier of the ladder`);
  return i;
};

/** A DAG node with the tiers it starts at and may climb to. */
export interface RootNode {
  spec: NodeSpec;
  start: number;
  max: number;
  /** Its dependencies, each once. */
  deps: string[];
  /** Why it starts at `start`, when the start-tier policy chose. */
  tierReason: TierReason | undefined;
}

/** What the start-tier policy reads when a run starts. */
export interface StartPolicy {
  /** The run's default for nodes that set no `startTier`, over the DAG's. */
  startTier?: StartTier;
  history?: TierHistory;
  options?: TierPolicyOptions;
  random: () => number;
}

/** What the executor reads of a DAG: its nodes with their tiers and dependencies, and edge conditions. */
export interface DagIndex {
  roots: RootNode[];
  byId: Map<string, RootNode>;
  /** Conditions of the edges that have any, by `source \0 target`. */
  conditions: Map<string, Condition[]>;
}

/** The dependencies of a node that has none: shared, and frozen so nobody adds to it in place. */
export const noDeps: string[] = Object.freeze([]) as unknown as string[];

export const conditionKey = (source: string, target: string): string => `${source}\u0000${target}`;

/**
 * Where a DAG node starts. With `"auto"` (its own, else the run's or the DAG's default) the start-tier
 * policy chooses from the node's history, once, when the run starts: the choice travels in the node's
 * `node.queued`, and a resumed run keeps the one its log holds.
 */
const chooseStart = (
  dag: DagSpec,
  l: LadderIndex,
  spec: NodeSpec,
  max: number,
  policy: StartPolicy | undefined,
) => {
  const ref = spec.startTier ?? policy?.startTier ?? dag.startTier;
  if (ref !== autoTier) return tierIndex(l, ref, 0, 'startTier', spec.id);
  return chooseStartTier({
    history: own(policy?.history, spec.id),
    workHash: workHash(spec),
    ladder: l.ladder,
    configured: 0,
    maxTier: max,
    random: policy?.random ?? Math.random,
    ...(policy?.options && { options: policy.options }),
  });
};

/**
 * Duplicate edges count once: the list without repeats, in first-seen order. A scan finds them among
 * a handful of sources; past that a set does, so a node with thousands of dependencies costs O(deps).
 */
const distinct = (list: string[]): string[] => {
  if (list.length >= 16) {
    const set = new Set(list);
    return set.size === list.length ? list : [...set];
  }
  for (let i = 1; i < list.length; i++)
    if (list.lastIndexOf(list[i] as string, i - 1) >= 0) return [...new Set(list)];
  // An exact copy: a list grown by push from one holds room for 17.
  return list.slice();
};

/** Where each DAG node starts and how high it may climb, in the order of `dag.nodes`. */
export interface StartPlan {
  start: Int32Array;
  max: Int32Array;
  /** Why a node starts where it does, for the nodes the start-tier policy placed (by position). */
  reasons: Map<number, TierReason>;
}

/** Places every DAG node on the ladder; throws before the run emits anything when one cannot be. */
export const planStarts = (dag: DagSpec, l: LadderIndex, policy?: StartPolicy): StartPlan => {
  const specs = dag.nodes;
  const plan: StartPlan = {
    start: new Int32Array(specs.length),
    max: new Int32Array(specs.length),
    reasons: new Map(),
  };
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as NodeSpec;
    const max = tierIndex(l, spec.maxTier, l.topModelTier, 'maxTier', spec.id);
    // A number for a fixed start (most nodes: nothing more to allocate), the policy's choice for auto.
    const chosen = chooseStart(dag, l, spec, max, policy);
    const start = typeof chosen === 'number' ? chosen : chosen.tier;
    if (max < start) throw new RunConfigError(`node ${spec.id}: maxTier is below startTier`);
    plan.start[i] = start;
    plan.max[i] = max;
    if (typeof chosen !== 'number') plan.reasons.set(i, chosen.reason);
  }
  return plan;
};

/**
 * Gives each node its dependencies from the edges (`nodeOf` finds an edge's target; a new list holds
 * the first) and returns the conditions of the edges that have any. `nodes` start with no dependency.
 */
export const wireEdges = (
  edges: DagSpec['edges'],
  nodeOf: (id: string) => { deps: string[] } | undefined,
  nodes: ArrayLike<{ deps: string[] }>,
): Map<string, Condition[]> => {
  const conditions = new Map<string, Condition[]>();
  for (const e of edges) {
    const node = nodeOf(e.target);
    // Most nodes have a dependency or two: a list of one, not the capacity of a first push.
    if (node?.deps === noDeps) node.deps = [e.source];
    else node?.deps.push(e.source);
    if (e.condition) {
      const key = conditionKey(e.source, e.target);
      conditions.set(key, [...(conditions.get(key) ?? []), e.condition]);
    }
  }
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as { deps: string[] };
    if (node.deps.length > 1) node.deps = distinct(node.deps);
  }
  return conditions;
};

/** The DAG's nodes as a resumed run rebuilds them from its log. */
export const indexDag = (dag: DagSpec, l: LadderIndex, policy?: StartPolicy): DagIndex => {
  const plan = planStarts(dag, l, policy);
  const roots: RootNode[] = dag.nodes.map((spec, i) => ({
    spec,
    start: plan.start[i] as number,
    max: plan.max[i] as number,
    deps: noDeps,
    tierReason: plan.reasons.get(i),
  }));
  const byId = new Map(roots.map((r) => [r.spec.id, r]));
  return { roots, byId, conditions: wireEdges(dag.edges, (id) => byId.get(id), roots) };
};
