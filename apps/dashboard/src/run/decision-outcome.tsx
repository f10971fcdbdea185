import type { ApprovalRecord } from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';
import { create } from 'zustand';

/** When a decision was made, as a person reads it on the same day: 15:02. */
const hhmm = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "Already approved by ops at 15:02": who decided first, what, and when; or how the wait ended. */
export const outcomeText = (rec: ApprovalRecord): string => {
  if (rec.status === 'approved' || rec.status === 'rejected')
    return `Already ${rec.status}${rec.decidedBy ? ` by ${rec.decidedBy}` : ''}${rec.decidedAt ? ` at ${hhmm(rec.decidedAt)}` : ''}.`;
  return `No longer waiting: the approval ${rec.status === 'expired' ? 'expired' : 'was cancelled with its run'}.`;
};

/** The record of an approval that is no longer pending, to say what became of it. */
export const findDecided = async (
  transport: RunTransport,
  approvalId: string,
): Promise<ApprovalRecord | undefined> => {
  for (const status of ['approved', 'rejected', 'expired', 'cancelled'] as const) {
    const rec = (await transport.approvals(status)).find((a) => a.id === approvalId);
    if (rec) return rec;
  }
  return undefined;
};

/**
 * Decisions that lost a race, by approval id: the controls that were clicked vanish once the
 * winner's decision arrives, so the outcome is kept here and shown where they were.
 */
export const useLostDecisions = create<Record<string, string>>(() => ({}));

export const DecisionNotice = ({ approvalId }: { approvalId: string }) => {
  const text = useLostDecisions((s) => s[approvalId]);
  if (!text) return null;
  return (
    <div className="lf-error" role="alert" data-testid="decision-outcome">
      Your decision was not recorded. {text}
    </div>
  );
};
