import type { DecideResult, DecisionInput, RunHandle, Signal } from '@laneflow/core';

/** A write was accepted but the store did not commit it (a storage outage): nothing of it is kept. */
export class NotCommittedError extends Error {}

const runEnd = new Set(['run.succeeded', 'run.failed', 'run.cancelled']);

/**
 * Decides a pending approval of a live run. A new decision resolves once its `approval.decided` is
 * committed, so the caller's OK is durable and a read after it already shows the decision.
 */
export const decideCommitted = async (
  handle: RunHandle,
  approvalId: string,
  input: DecisionInput,
): Promise<DecideResult> => {
  const r = handle.decide(approvalId, input);
  if (r.ok && !r.duplicate) {
    const isIt = (s: Signal) => s.type === 'approval.decided' && s.approvalId === approvalId;
    await new Promise<void>((resolve) => {
      const stop = handle.subscribe((s) => {
        if (isIt(s)) done();
      });
      function done() {
        stop();
        resolve();
      }
      // Already committed, or never will be (the run ended on a log failure).
      if (handle.signals.some(isIt)) done();
      void handle.result.then(done);
    });
    if (!handle.signals.some(isIt))
      throw new NotCommittedError(`the decision on ${approvalId} could not be stored; decide again`);
  }
  return r;
};

/** Cancels a live run; resolves once its end is committed. */
export const cancelCommitted = async (handle: RunHandle, runId: string, reason?: string): Promise<void> => {
  handle.cancel(reason);
  await handle.result;
  if (!runEnd.has(handle.signals[handle.signals.length - 1]?.type ?? ''))
    throw new NotCommittedError(`the cancellation of run ${runId} could not be stored; cancel again`);
};
