import { type DagEconomics, own } from '@laneflow/core';

/** One finished run as the cost chart plots it: numbered in order, its cost split by tier. */
export interface CostPoint {
  /** 1 for the oldest run shown. */
  run: number;
  runId: string;
  endedAt: string;
  costUsd: number;
  topTierCostUsd: number;
  policySavingUsd: number;
  byTier: Record<string, number>;
}

export const costSeries = (e: DagEconomics): CostPoint[] =>
  e.runs.map((r, i) => ({
    run: i + 1,
    runId: r.runId,
    endedAt: r.endedAt,
    costUsd: r.costUsd,
    topTierCostUsd: r.topTierCostUsd,
    policySavingUsd: r.policySavingUsd,
    byTier: Object.fromEntries(e.tiers.map((t) => [t, own(r.costByTier, t) ?? 0])),
  }));

/** Tiers that cost anything in the runs shown, in ladder order: the stacks of the cost chart. */
export const paidTiers = (e: DagEconomics): string[] =>
  e.tiers.filter((t) => e.runs.some((r) => (own(r.costByTier, t) ?? 0) > 0));

/** The runs shown, summed: what they cost, what the top tier would have, and the policy's share. */
export const costTotals = (e: DagEconomics) => {
  let costUsd = 0;
  let topTierCostUsd = 0;
  let policySavingUsd = 0;
  for (const r of e.runs) {
    costUsd += r.costUsd;
    topTierCostUsd += r.topTierCostUsd;
    policySavingUsd += r.policySavingUsd;
  }
  const savedPct = topTierCostUsd > 0 ? (1 - costUsd / topTierCostUsd) * 100 : 0;
  return { runs: e.runs.length, costUsd, topTierCostUsd, savedPct, policySavingUsd };
};

/** Tiers some node has history at, in ladder order: the bars of the pass-rate chart. */
export const triedTiers = (e: DagEconomics): string[] =>
  e.tiers.filter((t) => e.nodes.some((n) => n.tiers.some((x) => x.tier === t && x.runs > 0)));

/** A node's gate pass rate (0–100) at each tier it ran on; absent where it has no history. */
export interface PassRow {
  nodeId: string;
  totalRuns: number;
  byTier: Record<string, number>;
}

export const passRows = (e: DagEconomics): PassRow[] =>
  e.nodes.map((n) => ({
    nodeId: n.nodeId,
    totalRuns: n.totalRuns,
    byTier: Object.fromEntries(n.tiers.filter((t) => t.runs > 0).map((t) => [t.tier, t.passRate * 100])),
  }));

/** Where runs escalate: each node and tier with escalations, the most frequent first. */
export interface EscalationRow {
  key: string;
  nodeId: string;
  tier: string;
  runs: number;
  escalations: number;
  /** 0–100. */
  ratePct: number;
  /** Triggers, the most frequent first. */
  triggers: Array<{ trigger: string; count: number }>;
}

export const escalationRows = (e: DagEconomics): EscalationRow[] =>
  e.nodes
    .flatMap((n) =>
      n.tiers
        .filter((t) => t.escalations > 0)
        .map((t) => ({
          key: `${n.nodeId} @ ${t.tier}`,
          nodeId: n.nodeId,
          tier: t.tier,
          runs: t.runs,
          escalations: t.escalations,
          ratePct: t.escalationRate * 100,
          triggers: Object.entries(t.triggers)
            .map(([trigger, count]) => ({ trigger, count }))
            .sort((a, b) => b.count - a.count),
        })),
    )
    .sort((a, b) => b.ratePct - a.ratePct || b.escalations - a.escalations);

/** Dollars to four decimals below $1: a run's cost on cheap tiers is a fraction of a cent. */
export const usd = (x: number): string => `$${x.toFixed(Math.abs(x) >= 1 ? 2 : 4)}`;

/** A decayed weight for a table: one decimal, without a trailing ".0". */
export const weight = (x: number): string => String(Math.round(x * 10) / 10);

/** Colour of a tier's series: a theme variable per rung (styles.css), cycling past the fourth. */
export const tierColor = (e: DagEconomics, tier: string): string =>
  `var(--tier-${Math.max(0, e.tiers.indexOf(tier)) % 4})`;
