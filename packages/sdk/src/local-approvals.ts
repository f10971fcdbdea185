import {
  type ApprovalBook,
  type ApprovalRecord,
  applyApproval,
  createApprovalBook,
  type Signal,
} from '@laneflow/core';

/** Each run's approval records, folded once per signal: a log only grows, so a book carries on. */
const books = new WeakMap<readonly Signal[], { book: ApprovalBook; applied: number }>();

/** A run's approvals as core derives them from its signals (the server's inbox keeps the same). */
export const approvalsOf = (signals: readonly Signal[]): ApprovalRecord[] => {
  let entry = books.get(signals);
  if (entry === undefined) {
    entry = { book: createApprovalBook(), applied: 0 };
    books.set(signals, entry);
  }
  for (; entry.applied < signals.length; entry.applied++)
    applyApproval(entry.book, signals[entry.applied] as Signal);
  return [...entry.book.records.values()];
};
