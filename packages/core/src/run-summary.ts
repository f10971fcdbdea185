import type { RunSummary } from './api.ts';
import type { RunView } from './run-view.ts';
import type { Signal } from './signals.ts';

/** The parts of a run's summary that its signals decide. */
export type RunTotals = Pick<
  RunSummary,
  'status' | 'endedAt' | 'lastSeq' | 'costUsd' | 'escalations' | 'nodes'
>;

/** A run's totals from its projection: what every list of runs shows, in the browser or on a server. */
export const runTotals = (view: RunView): RunTotals => {
  let escalations = 0;
  for (const e of view.escalations) if (e.type === 'node.escalated') escalations++;
  return {
    status: view.status,
    endedAt: view.endedAt ?? null,
    lastSeq: view.lastSeq,
    costUsd: view.usage.costUsd,
    escalations,
    nodes: view.nodes.size,
  };
};

/**
 * What one committed batch changes in stored totals, for a store that adds batches up instead of
 * keeping a projection: increments of cost, escalations (routed ones) and nodes (first queued), the
 * batch's last seq, and the run status and end time when the batch sets them. Adding every batch up
 * gives {@link runTotals} of the run's projection.
 */
export const totalsDelta = (batch: readonly Signal[]) => {
  let costUsd = 0;
  let escalations = 0;
  let nodes = 0;
  let status: RunTotals['status'] | undefined;
  let endedAt: string | undefined;
  for (const s of batch) {
    if (s.type === 'usage') costUsd += s.costUsd;
    else if (s.type === 'node.escalated') escalations++;
    else if (s.type === 'node.queued' && s.attempt === 1) nodes++;
    else if (s.type === 'run.started') status = 'running';
    else if (s.type === 'run.succeeded' || s.type === 'run.failed' || s.type === 'run.cancelled') {
      status = s.type === 'run.succeeded' ? 'succeeded' : s.type === 'run.failed' ? 'failed' : 'cancelled';
      endedAt = s.at;
    }
  }
  return { lastSeq: batch.at(-1)?.seq ?? 0, costUsd, escalations, nodes, status, endedAt };
};
