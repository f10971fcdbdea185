import type { DagEconomics, NodeEconomics } from '../api.ts';
import { defaultHalfLifeRuns, type NodeHistory, own, type TierHistory } from './history.ts';
import type { RunCost } from './observe.ts';

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/**
 * Tier names in ladder order: the ladder's first, then any the history holds that the ladder lacks
 * (a rung since renamed or removed), by name.
 */
const tierOrder = (ladder: readonly string[], histories: readonly NodeHistory[]): string[] => {
  const extra = new Set<string>();
  for (const h of histories)
    for (const name of Object.keys(h.tiers)) if (!ladder.includes(name)) extra.add(name);
  return [...ladder, ...[...extra].sort()];
};

/** One node's history with the rates a chart or table shows. */
export const nodeEconomics = (nodeId: string, h: NodeHistory, tiers: readonly string[]): NodeEconomics => ({
  nodeId,
  workHash: h.workHash,
  runs: h.runs,
  totalRuns: h.totalRuns,
  tiers: tiers.flatMap((tier) => {
    const s = own(h.tiers, tier);
    if (s === undefined) return [];
    return [
      {
        tier,
        runs: s.runs,
        passes: s.passes,
        passRate: ratio(s.passes, s.runs),
        attempts: s.attempts,
        rounds: s.rounds,
        calls: s.calls,
        costUsd: s.costUsd,
        meanCostUsd: ratio(s.costUsd, s.runs),
        costPerCallUsd: ratio(s.costUsd, s.calls),
        inputTokensPerCall: ratio(s.inputTokens, s.calls),
        outputTokensPerCall: ratio(s.outputTokens, s.calls),
        escalations: s.escalations,
        escalationRate: ratio(s.escalations, s.runs),
        triggers: { ...s.triggers },
        approved: s.approved,
        rejected: s.rejected,
      },
    ];
  }),
});

/**
 * A DAG's economics from its node history and its runs' costs (oldest first): what the server's
 * `GET /api/dags/:id/economics` answers, and what a browser can build from its own stored runs.
 */
export const dagEconomics = (
  dagId: string,
  history: TierHistory,
  runs: readonly RunCost[],
  ladder: readonly string[],
  halfLifeRuns = defaultHalfLifeRuns,
): DagEconomics => {
  const tiers = tierOrder(ladder, Object.values(history));
  return {
    dagId,
    tiers,
    halfLifeRuns,
    nodes: Object.entries(history)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, h]) => nodeEconomics(id, h, tiers)),
    runs: runs.map((r) => ({ ...r, costByTier: { ...r.costByTier } })),
  };
};
