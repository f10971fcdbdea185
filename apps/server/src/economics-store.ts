import {
  type DagSpec,
  defaultHalfLifeRuns,
  foldNodeHistory,
  type NodeHistory,
  observeRun,
  type RunCost,
  type Signal,
  type TierHistory,
} from '@laneflow/core';
import type { Sql } from './db.ts';
import { iso } from './row-time.ts';

const runEnds = new Set(['run.succeeded', 'run.failed', 'run.cancelled']);

/** Advisory-lock class of the node-history rows: runs of one DAG that end together fold one by one. */
const HISTORY_LOCK = 0x6c66;

/**
 * When `batch` ends its run: folds the run into its DAG's node history and records its cost, in the
 * transaction that commits the batch (`tx`), so the history counts exactly the runs that ended.
 * The run's signals are read back from the same transaction.
 */
export const recordRunEconomics = async (
  tx: Sql,
  runId: string,
  batch: readonly Signal[],
  halfLifeRuns = defaultHalfLifeRuns,
): Promise<void> => {
  if (!batch.some((s) => runEnds.has(s.type))) return;
  const [run] = await tx.query<{ dag_id: string | null; dag: DagSpec }>(
    'select dag_id, dag from runs where id = $1',
    [runId],
  );
  if (!run?.dag_id) return;
  const signals = (
    await tx.query<{ body: Signal }>('select body from signals where run_id = $1 order by seq', [runId])
  ).map((r) => r.body);
  const obs = observeRun(run.dag, signals);
  if (!obs) return;
  const dagId = run.dag_id;
  await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [HISTORY_LOCK, dagId]);
  const ids = Object.keys(obs.nodes);
  const rows = await tx.query<{ node_id: string; history: NodeHistory }>(
    'select node_id, history from node_history where dag_id = $1 and node_id = any($2::text[])',
    [dagId, ids],
  );
  const prev = new Map(rows.map((r) => [r.node_id, r.history]));
  const folded = Object.entries(obs.nodes).map(([id, node]) =>
    JSON.stringify(foldNodeHistory(prev.get(id), node, { halfLifeRuns })),
  );
  // One statement for every node: a 10,000-node run ends in one round trip, not 10,000.
  await tx.query(
    `insert into node_history (dag_id, node_id, history, updated_at)
     select $1, id, h::jsonb, now() from unnest($2::text[], $3::text[]) as t (id, h)
     on conflict (dag_id, node_id) do update set history = excluded.history, updated_at = now()`,
    [dagId, ids, folded],
  );
  await tx.query(
    `insert into run_costs (run_id, dag_id, ended_at, status, cost_usd, cost_by_tier, top_tier_cost_usd,
       policy_saving_usd)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) on conflict (run_id) do nothing`,
    [
      runId,
      dagId,
      obs.endedAt,
      obs.status,
      obs.costUsd,
      JSON.stringify(obs.costByTier),
      obs.topTierCostUsd,
      obs.policySavingUsd,
    ],
  );
};

/** A DAG's node history, as `RunOptions.tierHistory` takes it. */
export const readTierHistory = async (db: Sql, dagId: string): Promise<TierHistory> => {
  const rows = await db.query<{ node_id: string; history: NodeHistory }>(
    'select node_id, history from node_history where dag_id = $1',
    [dagId],
  );
  return Object.fromEntries(rows.map((r) => [r.node_id, r.history]));
};

/** The costs of a DAG's latest `limit` finished runs, oldest first. */
export const readRunCosts = async (db: Sql, dagId: string, limit: number): Promise<RunCost[]> => {
  const rows = await db.query<Record<string, unknown>>(
    `select * from (select * from run_costs where dag_id = $1 order by ended_at desc, run_id desc limit $2) r
     order by ended_at, run_id`,
    [dagId, limit],
  );
  return rows.map((r) => ({
    runId: r.run_id as string,
    endedAt: iso(r.ended_at),
    status: r.status as RunCost['status'],
    costUsd: Number(r.cost_usd),
    costByTier: r.cost_by_tier as Record<string, number>,
    topTierCostUsd: Number(r.top_tier_cost_usd),
    policySavingUsd: Number(r.policy_saving_usd),
  }));
};
