import { z } from 'zod';
import { DagSpecSchema, StartTierSchema } from './dag.ts';
import { lanes } from './lanes.ts';
import type { RunView } from './run-view.ts';
import { DecisionSchema, ErrorInfoSchema, JsonSchema, SignalSchema } from './signals.ts';
import { StorableTextSchema, storable } from './storable.ts';
import { LadderSchema } from './tier.ts';

/**
 * Wire schemas of the server API, shared by the server (validation, OpenAPI), the SDK
 * (response validation) and the dashboard.
 */

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * The 409 of a save whose `version` (the one the edit started from) is no longer the DAG's newest,
 * worded alike by every DAG store so a client can show it and offer to save over it.
 */
export const staleVersionError = (dagId: string, base: number, newest: number) => ({
  code: 'stale_version' as const,
  message: `DAG "${dagId}" was saved as version ${newest} after the version ${base} this edit started from`,
  issues: [{ path: 'version', code: 'stale_version', message: `the newest version is ${newest}` }],
});

export const HealthSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  store: z.enum(['pglite', 'postgres']),
});

export const DagRecordSchema = z.object({
  id: z.string(),
  version: z.number().int().positive(),
  name: z.string().optional(),
  updatedAt: z.string(),
  spec: DagSpecSchema,
});
export type DagRecord = z.infer<typeof DagRecordSchema>;

export const DagSummarySchema = DagRecordSchema.omit({ spec: true }).extend({ nodes: z.number().int() });
export type DagSummary = z.infer<typeof DagSummarySchema>;

/** Ids a client names in a path or a body: text a store can hold, of a bounded length. */
export const IdParamSchema = StorableTextSchema.min(1).max(256);

/**
 * A whole number from a path, query string or header, with one message for every way it can be
 * wrong (not a number, a fraction, a list of repeats, out of range), so the client reads the rule.
 */
export const wholeNumberParam = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  // `abort`: the first failed check is the only issue (1e20 is neither a safe integer nor in range).
  return z.coerce
    .number({ error })
    .int({ error, abort: true })
    .min(min, { error, abort: true })
    .max(max, { error, abort: true });
};

/** Seqs are PostgreSQL `int`s: a resume position past this is not one a run can reach. */
export const maxSeq = 2_147_483_647;
/** A resume position: the seq of the last signal a client has (0 = from the start). */
export const SeqPositionSchema = wholeNumberParam(0, maxSeq);

export const StartRunBodySchema = storable(
  z
    .strictObject({
      dagId: IdParamSchema.optional(),
      dag: z.unknown().optional(),
      inputs: z.record(z.string(), JsonSchema).optional(),
      ladder: LadderSchema.optional(),
      /** Where the run's nodes that set no `startTier` start, over the DAG's (`"auto"`: learned). */
      startTier: StartTierSchema.optional(),
    })
    .refine((b) => (b.dagId === undefined) !== (b.dag === undefined), {
      message: 'give exactly one of dagId or dag',
      path: ['dagId'],
    }),
);
export type StartRunBody = z.infer<typeof StartRunBodySchema>;

export const StartRunResponseSchema = z.object({ runId: z.string() });

export const RunStatusSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']);

export const RunSummarySchema = z.object({
  id: z.string(),
  dagId: z.string().nullable(),
  dagName: z.string().nullable(),
  status: RunStatusSchema,
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  lastSeq: z.number().int().nonnegative(),
  costUsd: z.number(),
  escalations: z.number().int().nonnegative(),
  nodes: z.number().int().nonnegative(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const RunListQuerySchema = z.object({
  status: RunStatusSchema.optional(),
  limit: wholeNumberParam(1, 500).default(50),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: StorableTextSchema.max(512).optional(),
});

export const RunListSchema = z.object({ runs: z.array(RunSummarySchema), nextCursor: z.string().nullable() });

/**
 * One node as a snapshot carries it: what lists, comparisons and the inbox show. The full per-node
 * state (ratings, escalations, approvals) is folded from the run's signals by whoever watches it.
 */
export const SnapshotNodeSchema = z.object({
  id: z.string(),
  label: z.string().optional(),
  lane: z.enum(lanes),
  attempt: z.number().int(),
  tier: z.number().int(),
  parentId: z.string().optional(),
  elapsedMs: z.number().nonnegative().optional(),
  /** Time spent waiting for people's decisions (an approval node's whole time). */
  waitedMs: z.number().nonnegative().optional(),
  costUsd: z.number().nonnegative(),
  output: JsonSchema.optional(),
  error: ErrorInfoSchema.optional(),
});
export type SnapshotNode = z.infer<typeof SnapshotNodeSchema>;

/** A run's snapshot: its summary, the DAG it runs, and the seq the projection reached. */
export const RunSnapshotSchema = z.object({
  run: RunSummarySchema,
  dag: DagSpecSchema,
  /** What the run was started with (defaults filled in), for a Re-run to offer again. */
  inputs: z.record(z.string(), JsonSchema).optional(),
  lastSeq: z.number().int().nonnegative(),
  counts: z.record(z.enum(lanes), z.number().int()),
  nodes: z.array(SnapshotNodeSchema),
});
export type RunSnapshot = z.infer<typeof RunSnapshotSchema>;

/** A view's nodes as they travel in a {@link RunSnapshot}. */
export const snapshotNodes = (view: RunView): SnapshotNode[] =>
  [...view.nodes.values()].map((n) => ({
    id: n.id,
    ...(n.label !== undefined && { label: n.label }),
    lane: n.lane,
    attempt: n.attempt,
    tier: n.tier,
    ...(n.parentId !== undefined && { parentId: n.parentId }),
    ...(n.elapsedMs !== undefined && { elapsedMs: n.elapsedMs }),
    ...(n.waitedMs !== undefined && { waitedMs: n.waitedMs }),
    costUsd: n.usage.costUsd,
    ...(n.output !== undefined && { output: n.output }),
    ...(n.error !== undefined && { error: n.error }),
  }));

export const SignalsQuerySchema = z.object({
  after: SeqPositionSchema.default(0),
  limit: wholeNumberParam(1, 5000).default(1000),
});

export const CancelBodySchema = storable(
  z.strictObject({ reason: z.string().max(500).optional() }).default({}),
);

export const DecisionBodySchema = storable(
  z.strictObject({
    decision: DecisionSchema,
    comment: z.string().max(5000).optional(),
    /** An edited output replacing the one under review. */
    output: JsonSchema.optional(),
  }),
);
export type DecisionBody = z.infer<typeof DecisionBodySchema>;

export const ApprovalStatusSchema = z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']);

export const ApprovalRecordSchema = z.object({
  id: z.string(),
  runId: z.string(),
  nodeId: z.string(),
  attempt: z.number().int(),
  prompt: z.string(),
  payload: JsonSchema.nullable(),
  status: ApprovalStatusSchema,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecordSchema>;

export const ApprovalListQuerySchema = z.object({
  status: ApprovalStatusSchema.default('pending'),
  limit: wholeNumberParam(1, 500).default(100),
});
export const ApprovalListSchema = z.object({ approvals: z.array(ApprovalRecordSchema) });

export const DecisionResponseSchema = z.object({ ok: z.literal(true), duplicate: z.boolean() });

/**
 * Token roles, least first: viewer < operator < approver < admin, each allowed what the ones before
 * it are. `metrics` stands apart: it reads the Prometheus metrics and nothing else (admins read them too).
 */
export const roles = ['metrics', 'viewer', 'operator', 'approver', 'admin'] as const;
export const RoleSchema = z.enum(roles);
export type Role = z.infer<typeof RoleSchema>;

export const WhoAmISchema = z.object({ name: z.string(), role: RoleSchema });

/** One saved version of a DAG, as listed by `GET /api/dags/:id/versions` (newest first). */
export const DagVersionSummarySchema = z.object({
  version: z.number().int().positive(),
  name: z.string().optional(),
  updatedAt: z.string(),
  nodes: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
});
export type DagVersionSummary = z.infer<typeof DagVersionSummarySchema>;

export const DagVersionListSchema = z.object({ id: z.string(), versions: z.array(DagVersionSummarySchema) });
export type DagVersionList = z.infer<typeof DagVersionListSchema>;

/** Where a token comes from: `LANEFLOW_TOKENS`, the admin API, or the first start's login URL. */
export const TokenSourceSchema = z.enum(['env', 'api', 'first-start']);

/** A token as an admin lists it: never the token itself, which only its hash remembers. */
export const TokenSummarySchema = z.object({
  name: z.string(),
  role: RoleSchema,
  source: TokenSourceSchema,
  createdAt: z.string(),
});
export type TokenSummary = z.infer<typeof TokenSummarySchema>;
export const TokenListSchema = z.object({ tokens: z.array(TokenSummarySchema) });

/** Token names are shown in every decision (`by`) and name a token in the URL to revoke it. */
export const TokenNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'must be 1-64 characters from A-Z, a-z, 0-9 and _ . @ -');

export const CreateTokenBodySchema = storable(z.strictObject({ name: TokenNameSchema, role: RoleSchema }));
export type CreateTokenBody = z.infer<typeof CreateTokenBodySchema>;

/** The one time a token is shown. */
export const CreatedTokenSchema = z.object({ name: z.string(), role: RoleSchema, token: z.string() });
export type CreatedToken = z.infer<typeof CreatedTokenSchema>;

/** A rung as a signed-in client sees it: enough to choose tiers, nothing of where keys live. */
export const PublicTierSchema = z.object({
  name: z.string(),
  provider: z.string(),
  model: z.string(),
  costPer1kInput: z.number(),
  costPer1kOutput: z.number(),
});
export const PublicLadderSchema = z.object({ ladder: z.array(PublicTierSchema) });

/** A page of a run's committed signals, in seq order (`GET /api/runs/:id/signals`). */
export const SignalPageSchema = z.object({ signals: z.array(SignalSchema) });

/** `GET /api/dags`. */
export const DagListSchema = z.object({ dags: z.array(DagSummarySchema) });

/** An accepted request with nothing else to say (`POST /api/runs/:id/cancel`). */
export const OkSchema = z.object({ ok: z.literal(true) });

/** One tier of one node in a DAG's economics: decayed sums and the rates a chart shows. */
export const TierEconomicsSchema = z.object({
  tier: z.string(),
  runs: z.number(),
  passes: z.number(),
  /** passes / runs (0 without runs). */
  passRate: z.number(),
  attempts: z.number(),
  rounds: z.number(),
  calls: z.number(),
  costUsd: z.number(),
  /** Cost of one step at this tier, one provider call, and tokens per call. */
  meanCostUsd: z.number(),
  costPerCallUsd: z.number(),
  inputTokensPerCall: z.number(),
  outputTokensPerCall: z.number(),
  escalations: z.number(),
  /** escalations / runs: where runs escalate. */
  escalationRate: z.number(),
  triggers: z.record(z.string(), z.number()),
  approved: z.number(),
  rejected: z.number(),
});
export type TierEconomics = z.infer<typeof TierEconomicsSchema>;

/** One DAG node's history as the economics view shows it; tiers cheapest first. */
export const NodeEconomicsSchema = z.object({
  nodeId: z.string(),
  workHash: z.string(),
  /** Decayed runs, and runs since the node's work last changed. */
  runs: z.number(),
  totalRuns: z.number().int(),
  tiers: z.array(TierEconomicsSchema),
});
export type NodeEconomics = z.infer<typeof NodeEconomicsSchema>;

/** What one finished run cost, by tier, against the top tier and with the policy's expected saving. */
export const RunCostSchema = z.object({
  runId: z.string(),
  endedAt: z.string(),
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  costUsd: z.number(),
  costByTier: z.record(z.string(), z.number()),
  topTierCostUsd: z.number(),
  policySavingUsd: z.number(),
});

/** `GET /api/dags/:id/economics`: per node and tier history, and the recent runs' costs, oldest first. */
export const DagEconomicsSchema = z.object({
  dagId: z.string(),
  /** Tier names cheapest first: the order of `nodes[].tiers` and of the cost series. */
  tiers: z.array(z.string()),
  halfLifeRuns: z.number(),
  nodes: z.array(NodeEconomicsSchema),
  runs: z.array(RunCostSchema),
});
export type DagEconomics = z.infer<typeof DagEconomicsSchema>;

/** `?runs=` of the economics: how many recent runs' costs (default 200). */
export const EconomicsQuerySchema = z.object({ runs: wholeNumberParam(1, 5000).default(200) });
