import type { ApprovalRecord, RunView } from '@laneflow/core';

/**
 * A run's approvals as the server's inbox lists them, projected from its signals: `pending` until
 * decided, the decision once decided, `cancelled` when the node was cancelled while waiting.
 */
export const approvalsOf = (runId: string, view: RunView): ApprovalRecord[] => {
  const decided = new Map(
    view.approvals.flatMap((a) => (a.type === 'approval.decided' ? [[a.approvalId, a] as const] : [])),
  );
  const out: ApprovalRecord[] = [];
  for (const a of view.approvals) {
    if (a.type !== 'node.awaiting_approval') continue;
    const d = decided.get(a.approvalId);
    const node = view.nodes.get(a.nodeId);
    const status: ApprovalRecord['status'] = d
      ? d.decision
      : node?.lane === 'cancelled'
        ? 'cancelled'
        : 'pending';
    out.push({
      id: a.approvalId,
      runId,
      nodeId: a.nodeId,
      attempt: a.attempt,
      prompt: a.prompt,
      payload: a.payload ?? null,
      status,
      createdAt: a.at,
      expiresAt: a.expiresAt ?? null,
      decidedBy: d?.by ?? null,
      decidedAt: d?.at ?? null,
      comment: d?.comment ?? null,
    });
  }
  return out;
};
