import type { Json } from '../signals.ts';
import { renderTemplate } from '../template.ts';
import { soon } from './clock.ts';
import { expire } from './escalation-chain.ts';
import { enqueue, fail, succeed } from './lifecycle.ts';
import { type DecisionInput, moveTo, type NodeRecord, type Wait } from './node-record.ts';
import type { PendingApproval, RunState } from './run-state.ts';

export type DecideResult =
  | { ok: true; duplicate: boolean }
  | { ok: false; code: 'unknown_approval' | 'conflict' | 'late'; message: string };

type OnTimeout = 'reject' | 'approve' | 'escalate';

/**
 * Asks for a decision on `node` and carries it out when it comes. A node rebuilt from the log with a
 * request still open waits on that request (same id, same expiry) instead of asking anew.
 */
export const ask = (
  run: RunState,
  node: NodeRecord,
  wait: Wait,
  prompt: string,
  payload: Json | undefined,
  timeoutMs: number | undefined,
  onTimeout: OnTimeout,
) => {
  const resumed = node.resumeApproval;
  node.resumeApproval = undefined;
  const approvalId = resumed?.approvalId ?? `${run.runId}:${node.id}:${node.attempt}:${run.ids()}`;
  moveTo(node, 'waiting');
  const pending: PendingApproval = {
    settle: (d) => {
      run.approvals.delete(approvalId);
      if (pending.timer !== undefined) run.clock.clearTimeout(pending.timer);
      run.decided.set(approvalId, { decision: d.decision, late: false });
      run.emitter.emit('approval.decided', {
        nodeId: node.id,
        attempt: node.attempt,
        approvalId,
        decision: d.decision,
        by: d.by,
        ...(d.comment !== undefined && { comment: d.comment }),
        ...(d.output !== undefined && d.decision === 'approved' && { output: d.output }),
      });
      // Carried out after the decision is emitted, as on resume from a log that ends with it.
      soon(() => carryOut(run, node, wait, d));
    },
  };
  run.approvals.set(approvalId, pending);
  const expiresAt = resumed
    ? resumed.expiresAt
    : timeoutMs === undefined
      ? undefined
      : new Date(run.clock.now() + timeoutMs).toISOString();
  if (expiresAt !== undefined)
    pending.timer = run.clock.setTimeout(() => {
      if (!run.approvals.has(approvalId)) return;
      pending.timer = undefined;
      timeOut(run, node, wait, approvalId, onTimeout);
    }, Date.parse(expiresAt) - run.clock.now());
  if (!resumed)
    run.emitter.emit('node.awaiting_approval', {
      nodeId: node.id,
      attempt: node.attempt,
      approvalId,
      prompt,
      ...(payload !== undefined && { payload }),
      ...(expiresAt !== undefined && { expiresAt }),
    });
};

/** Asks for the review a node's `approval: {when: after}` wants of its work's `output`. */
export const askAfter = (run: RunState, node: NodeRecord, output: Json | undefined): void => {
  const a = node.spec.approval as NonNullable<NodeRecord['spec']['approval']>;
  ask(
    run,
    node,
    { kind: 'review', output },
    renderTemplate(a.prompt, node.scope),
    output,
    a.timeoutMs,
    a.onTimeout,
  );
};

/** The wait ran out: `onTimeout` decides, or the request goes to the human rung (else gives up). */
const timeOut = (run: RunState, node: NodeRecord, wait: Wait, approvalId: string, onTimeout: OnTimeout) => {
  if (onTimeout !== 'escalate') {
    (run.approvals.get(approvalId) as PendingApproval).settle({
      decision: onTimeout === 'approve' ? 'approved' : 'rejected',
      by: 'timeout',
    });
  } else {
    run.approvals.delete(approvalId);
    soon(() => {
      if (!run.cancelled && node.phase !== 'done')
        expire(run, node, wait.kind === 'review' ? wait.output : undefined);
    });
  }
  // Once the wait has ended, any decision that arrives is late.
  run.decided.set(approvalId, { ...run.decided.get(approvalId), late: true });
};

/** The one path from a decision to what follows it, live or after a restart. */
export const carryOut = (run: RunState, node: NodeRecord, wait: Wait, d: DecisionInput) => {
  if (run.cancelled || node.phase === 'done') return;
  if (d.decision === 'rejected')
    return fail(
      run,
      node,
      { message: d.comment ? `rejected: ${d.comment}` : 'rejected', code: 'rejected' },
      false,
    );
  if (wait.kind === 'review') return succeed(run, node, d.output ?? wait.output ?? null);
  node.approvedBefore = true;
  moveTo(node, 'queued');
  enqueue(run, node);
};

/** A decision from outside: taken if the request is open, else answered by what became of it. */
export const decide = (run: RunState, approvalId: string, input: DecisionInput): DecideResult => {
  const pending = run.approvals.get(approvalId);
  if (pending) {
    pending.settle({ ...input, by: input.by ?? 'anonymous' });
    return { ok: true, duplicate: false };
  }
  const prior = run.decided.get(approvalId);
  if (!prior)
    return {
      ok: false,
      code: 'unknown_approval',
      message: `no approval "${approvalId}" in run ${run.runId}`,
    };
  if (prior.late)
    return { ok: false, code: 'late', message: `approval "${approvalId}" is no longer waiting` };
  if (prior.decision === input.decision) return { ok: true, duplicate: true };
  return { ok: false, code: 'conflict', message: `approval "${approvalId}" was already ${prior.decision}` };
};

/** The run ended: every open request is closed, and a decision on one is late. */
export const closeDesk = (run: RunState) => {
  for (const [id, p] of run.approvals) {
    if (p.timer !== undefined) run.clock.clearTimeout(p.timer);
    run.decided.set(id, { late: true });
  }
  run.approvals.clear();
};
