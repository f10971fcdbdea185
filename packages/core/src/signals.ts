import { z } from 'zod';
import { TierReasonSchema } from './economics/tier-reason.ts';
import { EscalationRequestSchema, EscalationRouteSchema, RatingsSchema, ScoreSchema } from './escalation.ts';
import { LadderSchema, TierIndexSchema } from './tier.ts';

/** Any JSON value: outputs and payloads are data, never code. */
export const JsonSchema = z.json();
export type Json = z.infer<typeof JsonSchema>;

export const ErrorInfoSchema = z.strictObject({ message: z.string(), code: z.string().min(1) });
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export const UsageSummarySchema = z.strictObject({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type UsageSummary = z.infer<typeof UsageSummarySchema>;

const runBase = {
  runId: z.string().min(1),
  /** 1, 2, 3 … gap-free per run, assigned by the run's log. */
  seq: z.number().int().positive(),
  /** ISO-8601 UTC with milliseconds. */
  at: z.iso.datetime({ precision: 3 }),
};
const nodeBase = {
  ...runBase,
  /** The only stable key of a node; labels are display only. */
  nodeId: z.string().min(1),
  /** 1-based; every re-queue of the same node increments it. */
  attempt: z.number().int().positive(),
};

const runSignal = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...runBase, ...shape });
const nodeSignal = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...nodeBase, ...shape });

const runEnd = { error: ErrorInfoSchema.optional(), reason: z.string().optional() };

export const SkipReasonSchema = z.enum([
  'condition_false',
  'upstream_failed',
  'upstream_gave_up',
  'rejected_upstream',
]);
export type SkipReason = z.infer<typeof SkipReasonSchema>;

export const DecisionSchema = z.enum(['approved', 'rejected']);
export type Decision = z.infer<typeof DecisionSchema>;

const gateSummary = {
  overall: ScoreSchema,
  target: ScoreSchema,
  rounds: z.number().int().positive(),
};

/** One zod schema per signal type. */
export const signalSchemas = {
  'run.started': runSignal('run.started', { dagId: z.string().optional(), ladder: LadderSchema }),
  'run.succeeded': runSignal('run.succeeded', runEnd),
  'run.failed': runSignal('run.failed', runEnd),
  'run.cancelled': runSignal('run.cancelled', runEnd),
  'node.queued': nodeSignal('node.queued', {
    label: z.string().optional(),
    tier: TierIndexSchema,
    parentId: z.string().min(1).optional(),
    spawnReason: z.enum(['escalation', 'spawn']).optional(),
    /** Why the node starts at `tier`, when the start-tier policy chose it (`startTier: "auto"`). */
    tierReason: TierReasonSchema.optional(),
  }),
  'node.started': nodeSignal('node.started', { tier: TierIndexSchema, model: z.string().optional() }),
  'node.awaiting_approval': nodeSignal('node.awaiting_approval', {
    approvalId: z.string().min(1),
    prompt: z.string(),
    payload: JsonSchema.optional(),
    expiresAt: z.iso.datetime({ precision: 3 }).optional(),
  }),
  'approval.decided': nodeSignal('approval.decided', {
    approvalId: z.string().min(1),
    decision: DecisionSchema,
    by: z.string().min(1),
    comment: z.string().optional(),
    /** An edited output that replaces the one under review (approved only). */
    output: JsonSchema.optional(),
  }),
  'node.succeeded': nodeSignal('node.succeeded', {
    output: JsonSchema,
    elapsedMs: z.number().nonnegative(),
    usage: UsageSummarySchema.optional(),
  }),
  'node.failed': nodeSignal('node.failed', {
    error: ErrorInfoSchema,
    elapsedMs: z.number().nonnegative(),
    willRetry: z.boolean(),
  }),
  'node.escalated': nodeSignal('node.escalated', {
    route: EscalationRouteSchema,
    reason: z.string(),
    fromTier: TierIndexSchema,
    toTier: TierIndexSchema.optional(),
    childId: z.string().min(1).optional(),
    request: EscalationRequestSchema,
  }),
  'escalation.requested': nodeSignal('escalation.requested', { request: EscalationRequestSchema }),
  'confidence.rated': nodeSignal('confidence.rated', {
    ratings: RatingsSchema,
    overall: ScoreSchema,
    target: ScoreSchema,
    passed: z.boolean(),
    round: z.number().int().positive(),
  }),
  'confidence.passed': nodeSignal('confidence.passed', gateSummary),
  'confidence.escalated': nodeSignal('confidence.escalated', gateSummary),
  'node.skipped': nodeSignal('node.skipped', { reason: SkipReasonSchema }),
  'node.cancelled': nodeSignal('node.cancelled', { reason: z.string().optional() }),
  usage: nodeSignal('usage', {
    tier: TierIndexSchema,
    model: z.string(),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
  }),
  'node.output_delta': nodeSignal('node.output_delta', { text: z.string() }),
} as const;

type Schemas = typeof signalSchemas;
export type SignalType = keyof Schemas;
export const signalTypes = Object.keys(signalSchemas) as SignalType[];

/** The discriminated union of every signal, keyed on `type`. */
export const SignalSchema = z.discriminatedUnion(
  'type',
  Object.values(signalSchemas) as unknown as [Schemas[SignalType], ...Schemas[SignalType][]],
);

export type SignalOf<T extends SignalType> = z.infer<Schemas[T]>;
export type Signal = { [T in SignalType]: SignalOf<T> }[SignalType];
export type RunSignal = Extract<Signal, { type: `run.${string}` }>;
export type NodeSignal = Exclude<Signal, RunSignal>;

/** A signal before its run's log has assigned it a `seq`. */
export type SignalDraft = Signal extends infer S ? (S extends Signal ? Omit<S, 'seq'> : never) : never;
export type SignalDraftOf<T extends SignalType> = Omit<SignalOf<T>, 'seq'>;

/** True for signals that carry `nodeId` and `attempt`. */
export const isNodeSignal = <S extends { type: string }>(s: S): s is Extract<S, { nodeId: string }> =>
  !s.type.startsWith('run.');

/**
 * Builds a signal draft of `type`. The log stamps `seq`; callers never hand-build signal objects,
 * so the type parameter keeps every field checked.
 */
export const makeSignal = <T extends SignalType>(
  type: T,
  fields: Omit<SignalDraftOf<T>, 'type'>,
): SignalDraftOf<T> => ({ type, ...fields }) as unknown as SignalDraftOf<T>;

/** Stamps a draft with its sequence number. */
export const withSeq = <D extends SignalDraft>(draft: D, seq: number): D & { seq: number } => ({
  ...draft,
  seq,
});
