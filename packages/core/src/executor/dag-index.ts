import type { Condition } from '../condition.ts';
import type { DagSpec, NodeSpec } from '../dag.ts';
import { resolveTierRef } from '../dag-validate.ts';
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
  ref: NodeSpec['startTier'],
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
}

/** What the executor reads of a DAG: its nodes with their tiers and dependencies, and edge conditions. */
export interface DagIndex {
  roots: RootNode[];
  byId: Map<string, RootNode>;
  /** Conditions of the edges that have any, by `source \0 target`. */
  conditions: Map<string, Condition[]>;
}

export const conditionKey = (source: string, target: string): string => `${source}\u0000${target}`;

export const indexDag = (dag: DagSpec, l: LadderIndex): DagIndex => {
  const roots: RootNode[] = [];
  const byId = new Map<string, RootNode>();
  for (const spec of dag.nodes) {
    const start = tierIndex(l, spec.startTier, 0, 'startTier', spec.id);
    const max = tierIndex(l, spec.maxTier, l.topModelTier, 'maxTier', spec.id);
    if (max < start) throw new RunConfigError(`node ${spec.id}: maxTier is below startTier`);
    const root = { spec, start, max, deps: [] };
    roots.push(root);
    byId.set(spec.id, root);
  }
  const conditions = new Map<string, Condition[]>();
  // Duplicate edges count once. A scan finds them among a handful of sources; past that a set does, so
  // a node with thousands of dependencies does not cost O(deps²).
  const manyDeps = new Map<string, Set<string>>();
  for (const e of dag.edges) {
    const list = byId.get(e.target)?.deps;
    if (list) {
      let set = manyDeps.get(e.target);
      if (set === undefined && list.length >= 16) {
        set = new Set(list);
        manyDeps.set(e.target, set);
      }
      if (set === undefined ? !list.includes(e.source) : !set.has(e.source)) {
        list.push(e.source);
        set?.add(e.source);
      }
    }
    if (e.condition) {
      const key = conditionKey(e.source, e.target);
      conditions.set(key, [...(conditions.get(key) ?? []), e.condition]);
    }
  }
  return { roots, byId, conditions };
};
