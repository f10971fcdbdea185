import { type RunSnapshot, type SnapshotNode, shownMs, tierOrKind } from '@laneflow/core';

/** One node of one run, as the comparison shows it. */
export interface NodeSide {
  lane: string;
  tier: string;
  costUsd: number;
  elapsedMs: number | undefined;
  /** The output as text (strings as they are, anything else as indented JSON). */
  output: string | undefined;
}

export interface CompareRow {
  id: string;
  label: string;
  a: NodeSide | undefined;
  b: NodeSide | undefined;
}

const text = (v: unknown): string | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v, null, 2);

const sideOf = (snap: RunSnapshot, tiers: readonly string[], n: SnapshotNode): NodeSide => {
  const tierName = tiers[n.tier];
  // Work no model does has no tier: say what it is instead.
  const kind = snap.dag.nodes.find((d) => d.id === n.id)?.kind;
  return {
    lane: n.lane,
    tier: tierOrKind(kind, tierName ?? `tier ${n.tier}`),
    costUsd: n.costUsd,
    elapsedMs: shownMs(kind, n),
    output: text(n.output),
  };
};

/**
 * Two runs node by node: every node of either (escalation children included), in the first run's
 * order then the second's, with what each run made of it. `tiersA`/`tiersB`: each run's ladder's
 * tier names (from its `run.started`), since a node's tier is an index into them.
 */
export const compareRows = (
  a: RunSnapshot,
  b: RunSnapshot,
  tiersA: readonly string[],
  tiersB: readonly string[],
): CompareRow[] => {
  const ids = [...new Set([...a.nodes.map((n) => n.id), ...b.nodes.map((n) => n.id)])];
  const byId = (snap: RunSnapshot) => new Map(snap.nodes.map((n) => [n.id, n]));
  const na = byId(a);
  const nb = byId(b);
  return ids.map((id) => {
    const x = na.get(id);
    const y = nb.get(id);
    const label = x?.label ?? y?.label ?? id;
    return { id, label, a: x && sideOf(a, tiersA, x), b: y && sideOf(b, tiersB, y) };
  });
};
