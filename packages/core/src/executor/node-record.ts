import type { NodeSpec } from '../dag.ts';
import type { EscalationRequest } from '../escalation.ts';
import type { NodeView } from '../run-view.ts';
import type { Decision, Json, SkipReason } from '../signals.ts';
import type { TemplateScope } from '../template.ts';
import type { WorkContext } from './provider.ts';

/**
 * Where a node is in the executor (finer than its lane): `queued` until it may start, `waiting` on a
 * decision, `running` its work, `retry` between a failed attempt and its re-queue, `done` for good.
 */
export type Phase = 'queued' | 'waiting' | 'running' | 'retry' | 'done';

/**
 * Every move a node may make. `queued → retry` and `queued → waiting` are also how a node rebuilt
 * from the log is put back where its signals left it.
 */
const allowed: Record<Phase, readonly Phase[]> = {
  queued: ['waiting', 'running', 'retry', 'done'],
  waiting: ['queued', 'done'],
  running: ['waiting', 'retry', 'done'],
  retry: ['queued', 'done'],
  done: [],
};

/** Thrown on a move the table does not allow: a bug in the executor, never a user error. */
export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
}

/** The one place a node changes phase. */
export const moveTo = (node: NodeRecord, to: Phase): void => {
  if (!allowed[node.phase].includes(to))
    throw new IllegalTransitionError(`node ${node.id}: ${node.phase} → ${to} is not a move a node can make`);
  node.phase = to;
};

/** How a chain (a node and its escalation children) ended, as its dependents see it. */
export interface Resolution {
  ok: boolean;
  output?: Json;
  skip: SkipReason;
}

/**
 * What a node waits on: `before` its work, or a `review` of `output` (an approval node's payload,
 * the work's output under `approval.after`, or the best output a human rung is handed).
 */
export type Wait = { kind: 'before' } | { kind: 'review'; output: Json | undefined };

/** A decision as the run takes it. */
export interface DecisionInput {
  decision: Decision;
  by?: string;
  comment?: string;
  /** Replaces the output under review (approved only). */
  output?: Json;
}

/** What the executor can do to an attempt's running work. */
export interface AttemptWork {
  /** Aborts the work (its signal reaches providers). */
  abort(reason: unknown): void;
  /** Gives the attempt's concurrency slot back (idempotent). */
  release(): void;
}

/** The dependents of a node that has none yet: shared, and frozen so nobody adds to it in place. */
export const noDependents: NodeRecord[] = Object.freeze([]) as unknown as NodeRecord[];

/** What the node is called in its signals. */
export const labelOf = (node: NodeRecord): string => node.spec.label ?? node.spec.id;

/** One node of a run as the executor keeps it. */
export interface NodeRecord {
  id: string;
  spec: NodeSpec;
  /** The node whose chain this is: dependents wait for the chain's end through it. */
  rootId: string;
  attempt: number;
  tier: number;
  maxTier: number;
  /** How many escalations lead to this node. */
  depth: number;
  phase: Phase;
  /** Unmet dependencies (by root id). */
  remaining: number;
  deps: string[];
  dependents: NodeRecord[];
  parentId?: string;
  scope: TemplateScope;
  context: WorkContext;
  /** A human rung: the work is an approval of `review`. */
  human?: { request: EscalationRequest; review: Json | undefined };
  approvedBefore: boolean;
  /**
   * Attempts closed as `interrupted` by a restart: not tries of the work, so they count neither
   * against the retry budget nor as failures the work has seen.
   */
  interrupted: number;
  /** The latest attempt's work, while it may still be running. */
  work?: AttemptWork;
  /** A pending retry. */
  timer?: unknown;
  /** An approval recorded before a restart, to wait on again instead of asking anew. */
  resumeApproval?: { approvalId: string; expiresAt?: string };
  /** A decision committed before a restart whose consequence was not: carried out on resume. */
  resumeDecision?: { decision: DecisionInput; wait: Wait };
  /**
   * For a spawned node rebuilt from the log: the spawner's attempt that takes it up as it is (the one
   * replacing the attempt the restart interrupted) instead of spawning it anew.
   */
  reuseBy: number | undefined;
  startedAt: number;
  /** The node's view in the run's projection, once a signal of the node reached it. */
  view: NodeView | undefined;
  resolution?: Resolution;
  /** Who waits for the chain's end (`ctx.waitFor`); made when the first one does. */
  waiters: Array<(r: Resolution) => void> | undefined;
}
