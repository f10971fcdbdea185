import type { Json, Signal } from '@laneflow/core';
import type { WebhookEvent } from './config.ts';

/** Something a webhook tells: which event, in which run, with the fields a receiver acts on. */
export interface RunEvent {
  event: WebhookEvent;
  runId: string;
  at: string;
  data: Record<string, Json>;
}

/** The events in a committed batch of one run's signals, in order. */
export const eventsOf = (batch: readonly Signal[]): RunEvent[] => {
  const out: RunEvent[] = [];
  for (const s of batch) {
    const base = { runId: s.runId, at: s.at };
    if (s.type === 'node.awaiting_approval')
      out.push({
        ...base,
        event: 'approval.waiting',
        data: {
          approvalId: s.approvalId,
          nodeId: s.nodeId,
          prompt: s.prompt,
          ...(s.expiresAt && { expiresAt: s.expiresAt }),
        },
      });
    else if (s.type === 'approval.decided')
      out.push({
        ...base,
        event: 'approval.decided',
        data: {
          approvalId: s.approvalId,
          nodeId: s.nodeId,
          decision: s.decision,
          by: s.by,
          ...(s.comment && { comment: s.comment }),
        },
      });
    else if (s.type === 'run.succeeded') out.push({ ...base, event: 'run.succeeded', data: {} });
    else if (s.type === 'run.failed')
      out.push({ ...base, event: 'run.failed', data: { ...(s.error && { error: s.error }) } });
    else if (s.type === 'run.cancelled')
      out.push({ ...base, event: 'run.cancelled', data: { ...(s.reason && { reason: s.reason }) } });
  }
  return out;
};
