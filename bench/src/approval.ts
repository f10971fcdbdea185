import type { Signal } from '@laneflow/core';

/** Polls a live run until it is waiting for an approval and returns the approval's id. */
export const awaitApproval = async (handle: { signals: readonly Signal[] }): Promise<string> => {
  for (;;) {
    const pending = handle.signals.find((s) => s.type === 'node.awaiting_approval');
    if (pending?.type === 'node.awaiting_approval') return pending.approvalId;
    await new Promise((r) => setTimeout(r, 20));
  }
};
