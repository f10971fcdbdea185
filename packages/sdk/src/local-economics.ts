import {
  dagEconomics,
  defaultLadder,
  foldHistory,
  type Ladder,
  type RunCost,
  RunCostSchema,
  type RunObservation,
  type TierHistory,
} from '@laneflow/core';

/** How many of a DAG's latest runs' costs a browser keeps for the economics view. */
export const keptRunCosts = 500;

/** A DAG's economics as a local store keeps it: the node history and the latest runs' costs. */
export interface EconomicsRow {
  dagId: string;
  history: TierHistory;
  /** Oldest first, at most {@link keptRunCosts}. */
  runs: RunCost[];
}

/**
 * Adds a finished run to its DAG's row: its observation folds into the node history (core's decayed
 * fold) and its cost joins the series. Both stores call it inside the write that marks the run
 * observed, so a run counts once.
 */
export const addRun = (row: EconomicsRow | undefined, dagId: string, obs: RunObservation): EconomicsRow => {
  // The wire schema keeps a run cost's fields and drops the observation's node history.
  const cost: RunCost = RunCostSchema.parse(obs);
  return {
    dagId,
    history: foldHistory(row?.history ?? {}, obs),
    runs: [...(row?.runs ?? []), cost].slice(-keptRunCosts),
  };
};

/** What `RunTransport.economics` answers for a local row: core's shaping, as the server does. */
export const economicsOf = (
  dagId: string,
  row: EconomicsRow | undefined,
  ladder: Ladder | undefined,
  limit: number,
) =>
  dagEconomics(
    dagId,
    row?.history ?? {},
    (row?.runs ?? []).slice(-limit),
    (ladder ?? defaultLadder).map((t) => t.name),
  );
