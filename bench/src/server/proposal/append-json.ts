/**
 * PROPOSAL, not the server's code: `appendSignals` of apps/server/src/store.ts with the batch sent as
 * ONE jsonb parameter (`jsonb_array_elements`) instead of a VALUES list of 5 bind parameters per
 * signal. Same transaction, same rows, same `runs` update; only the insert differs. One
 * `JSON.stringify` of the batch on the client instead of one per signal plus 5 parameters to
 * serialise, and no limit of 65,535 bind parameters (13,107 signals) per batch.
 *
 * The commit bench runs it with `--variant=json`; the server's files are not edited.
 */
import type { Signal } from '@laneflow/core';
import type { createStore } from '@laneflow/server';

type Store = ReturnType<typeof createStore>;

const terminalRunStatus: Record<string, string> = {
  'run.succeeded': 'succeeded',
  'run.failed': 'failed',
  'run.cancelled': 'cancelled',
};

export const appendSignalsJson = (store: Store) => (runId: string, batch: readonly Signal[]) =>
  store.db.transaction(async (tx) => {
    await tx.query(
      `insert into signals (run_id, seq, type, at, body)
       select $1, (e->>'seq')::int, e->>'type', (e->>'at')::timestamptz, e
       from jsonb_array_elements($2::jsonb) as e`,
      [runId, JSON.stringify(batch)],
    );
    let cost = 0;
    let escalations = 0;
    let nodes = 0;
    let status: string | undefined;
    let endedAt: string | undefined;
    for (const s of batch) {
      if (s.type === 'usage') cost += s.costUsd;
      else if (s.type === 'node.escalated') escalations++;
      else if (s.type === 'node.queued' && s.attempt === 1) nodes++;
      else if (s.type === 'run.started') status = 'running';
      else if (s.type in terminalRunStatus) {
        status = terminalRunStatus[s.type];
        endedAt = s.at;
      }
      // (approvals: unchanged from store.ts; this workload has none)
    }
    const last = batch[batch.length - 1] as Signal;
    await tx.query(
      `update runs set last_seq = $2, cost_usd = cost_usd + $3, escalations = escalations + $4,
         nodes = nodes + $5, status = coalesce($6, status), ended_at = coalesce($7::timestamptz, ended_at)
       where id = $1`,
      [runId, last.seq, cost, escalations, nodes, status ?? null, endedAt ?? null],
    );
  });
