import type { Json } from '@laneflow/core';
import type { Webhook } from './config.ts';
import type { RunEvent } from './events.ts';

/** The run an event belongs to, as a receiver names it. */
export interface RunRef {
  id: string;
  dagId: string | null;
  dagName: string | null;
}

const slackText = (e: RunEvent, run: RunRef): string => {
  const dag = run.dagName ?? run.dagId ?? 'a DAG';
  const d = e.data;
  switch (e.event) {
    case 'approval.waiting':
      return `:raised_hand: Approval waiting in ${dag} (${String(d.nodeId)}): ${String(d.prompt)}`;
    case 'approval.decided':
      return `:white_check_mark: ${String(d.nodeId)} in ${dag} was ${String(d.decision)} by ${String(d.by)}`;
    case 'run.succeeded':
      return `:large_green_circle: ${dag} succeeded (run ${run.id})`;
    case 'run.failed':
      return `:red_circle: ${dag} failed (run ${run.id})${d.error ? `: ${String(d.error)}` : ''}`;
    case 'run.cancelled':
      return `:black_circle: ${dag} was cancelled (run ${run.id})`;
  }
};

/** The body a webhook receives for `e`: laneflow's JSON event, or a Slack message. */
export const payloadOf = (hook: Webhook, id: string, e: RunEvent, run: RunRef): Record<string, Json> =>
  hook.format === 'slack'
    ? { text: slackText(e, run) }
    : {
        id,
        event: e.event,
        at: e.at,
        run: { id: run.id, dagId: run.dagId, dagName: run.dagName },
        data: e.data,
      };
