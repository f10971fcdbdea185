import type { ApprovalRecord } from './api.ts';
import type { Signal } from './signals.ts';

/**
 * What one signal does to a run's approval records. The only place an approval's status is decided:
 * the server applies these to its table, and {@link approvalRecords} folds them in memory.
 *
 * - `asked`: a node asked; the record is `pending`.
 * - `decided`: the decision (a timeout's decision included) is the status.
 * - `closed`: every record still pending for the node (or, without `nodeId`, for the run) ends:
 *   `expired` when the wait ended in an escalation (an approval that timed out with `escalate`),
 *   `cancelled` when the node or the run ended otherwise. No record stays pending after its wait.
 */
export type ApprovalEffect =
  | { kind: 'asked'; record: ApprovalRecord }
  | {
      kind: 'decided';
      approvalId: string;
      status: 'approved' | 'rejected';
      decidedBy: string;
      decidedAt: string;
      comment: string | null;
    }
  | { kind: 'closed'; runId: string; nodeId?: string; status: 'expired' | 'cancelled' };

export const approvalEffect = (s: Signal): ApprovalEffect | undefined => {
  switch (s.type) {
    case 'node.awaiting_approval':
      return {
        kind: 'asked',
        record: {
          id: s.approvalId,
          runId: s.runId,
          nodeId: s.nodeId,
          attempt: s.attempt,
          prompt: s.prompt,
          payload: s.payload ?? null,
          status: 'pending',
          createdAt: s.at,
          expiresAt: s.expiresAt ?? null,
          decidedBy: null,
          decidedAt: null,
          comment: null,
        },
      };
    case 'approval.decided':
      return {
        kind: 'decided',
        approvalId: s.approvalId,
        status: s.decision,
        decidedBy: s.by,
        decidedAt: s.at,
        comment: s.comment ?? null,
      };
    case 'node.escalated':
      return { kind: 'closed', runId: s.runId, nodeId: s.nodeId, status: 'expired' };
    case 'node.succeeded':
    case 'node.failed':
    case 'node.skipped':
    case 'node.cancelled':
      return { kind: 'closed', runId: s.runId, nodeId: s.nodeId, status: 'cancelled' };
    case 'run.succeeded':
    case 'run.failed':
    case 'run.cancelled':
      return { kind: 'closed', runId: s.runId, status: 'cancelled' };
    default:
      return undefined;
  }
};

/** Approval records kept in memory, in the order they were asked; {@link applyApproval} updates them. */
export interface ApprovalBook {
  records: Map<string, ApprovalRecord>;
  /** Pending approval ids by node. */
  pending: Map<string, Set<string>>;
}

export const createApprovalBook = (): ApprovalBook => ({ records: new Map(), pending: new Map() });

/** Applies one signal's {@link approvalEffect} to `book`. */
export const applyApproval = (book: ApprovalBook, s: Signal): void => {
  const e = approvalEffect(s);
  if (e === undefined) return;
  if (e.kind === 'asked') {
    if (book.records.has(e.record.id)) return;
    book.records.set(e.record.id, { ...e.record });
    const open = book.pending.get(e.record.nodeId);
    if (open === undefined) book.pending.set(e.record.nodeId, new Set([e.record.id]));
    else open.add(e.record.id);
    return;
  }
  if (e.kind === 'decided') {
    const r = book.records.get(e.approvalId);
    if (r === undefined) return;
    Object.assign(r, {
      status: e.status,
      decidedBy: e.decidedBy,
      decidedAt: e.decidedAt,
      comment: e.comment,
    });
    book.pending.get(r.nodeId)?.delete(r.id);
    return;
  }
  const nodes = e.nodeId === undefined ? [...book.pending.keys()] : [e.nodeId];
  for (const nodeId of nodes) {
    const open = book.pending.get(nodeId);
    if (open === undefined) continue;
    for (const id of open) (book.records.get(id) as ApprovalRecord).status = e.status;
    book.pending.delete(nodeId);
  }
};

/** Every approval of a run, with its status, from the run's signals. */
export const approvalRecords = (signals: Iterable<Signal>): ApprovalRecord[] => {
  const book = createApprovalBook();
  for (const s of signals) applyApproval(book, s);
  return [...book.records.values()];
};

/**
 * One committed batch's effect on stored records, for a store that keeps them in a table: records
 * the batch asks for, with their status at the batch's end; decisions on earlier records; and the
 * status that ends each node's earlier records still pending (the node's first close in the batch
 * wins, later asks are not earlier records), or every one of the run's when the run ended.
 * Applying `closeEarlier`, then `decideEarlier`, then inserting `asked` equals applying the batch
 * signal by signal.
 */
export const approvalBatch = (batch: readonly Signal[]) => {
  const book = createApprovalBook();
  const decideEarlier: Array<Extract<ApprovalEffect, { kind: 'decided' }>> = [];
  const closeEarlier = new Map<string, 'expired' | 'cancelled'>();
  let runClosed = false;
  for (const s of batch) {
    const e = approvalEffect(s);
    if (e === undefined) continue;
    if (e.kind === 'decided' && !book.records.has(e.approvalId)) decideEarlier.push(e);
    else if (e.kind === 'closed' && !runClosed) {
      if (e.nodeId === undefined) runClosed = true;
      else if (!closeEarlier.has(e.nodeId)) closeEarlier.set(e.nodeId, e.status);
    }
    applyApproval(book, s);
  }
  return { asked: [...book.records.values()], decideEarlier, closeEarlier, runClosed };
};
