import { DagSpecSchema, foldHistory, observeRun, type TierHistory } from '@laneflow/core';
import type { Strategy } from './strategies.ts';
import { suiteDag } from './suite.ts';

/**
 * The learned start-tier policy as laneflow ships it: every node `startTier: "auto"`, the node history
 * folded from each finished run's signals (`observeRun` + `foldHistory`, default decay) and handed to
 * the next run. Policy options are core's defaults.
 */
export const learned = (tries?: number): Strategy => {
  const dag = suiteDag(() => 'auto', tries);
  const parsed = DagSpecSchema.parse(dag);
  let history: TierHistory = {};
  return {
    key: 'learned',
    label: 'learned start tier (auto)',
    dag,
    options: () => ({ tierHistory: history }),
    observe(outcome) {
      const observed = observeRun(parsed, outcome.signals);
      if (observed === undefined) throw new Error(`run ${outcome.run} did not end`);
      history = foldHistory(history, observed);
    },
  };
};
