import { z } from 'zod';
import { ConditionSchema } from './condition.ts';
import { RunInputsSchemaSchema } from './run-inputs.ts';
import { JsonSchema } from './signals.ts';
import { SimSpecSchema } from './sim-spec.ts';
import { TierSchema } from './tier.ts';

/** Size limits a DAG document must respect. */
export const dagLimits = { nodes: 10_000, edges: 50_000 } as const;

/** Node ids appear in templates (`{{plan.topics}}`), so they are restricted to a safe alphabet. */
export const NodeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 characters from A-Z, a-z, 0-9, _ and -');

/** A tier by ladder index (0 = cheapest) or by name. Names are resolved when the run starts. */
export const TierRefSchema = z.union([z.number().int().nonnegative(), z.string().min(1)], {
  error: 'must be a tier name or a tier index (0 is the cheapest)',
});
export type TierRef = z.infer<typeof TierRefSchema>;

/** `startTier: "auto"`: the start-tier policy picks the tier from the node's history. */
export const autoTier = 'auto';
/** Where a node starts: a tier, or `"auto"` (which therefore never names a rung there). */
export const StartTierSchema = z.union([z.literal(autoTier), TierRefSchema], {
  error: 'must be "auto", a tier name or a tier index (0 is the cheapest)',
});
export type StartTier = z.infer<typeof StartTierSchema>;

export const defaultGateCategories = ['correctness', 'completeness', 'evidence', 'risk'];

/** The confidence gate. `overall` is the minimum category rating; pass iff >= target. */
export const GateSpecSchema = z.strictObject({
  target: z.number().min(0).max(1).default(0.95),
  categories: z.array(z.string().min(1)).min(1).default(defaultGateCategories),
  maxTries: z.number().int().min(1).default(3),
  /** Rate with this tier instead of the node's own. */
  raterTier: TierRefSchema.optional(),
});
export type GateSpec = z.output<typeof GateSpecSchema>;

export const ApprovalSpecSchema = z.strictObject({
  when: z.enum(['before', 'after']).default('after'),
  prompt: z.string().default('Approve this step?'),
  timeoutMs: z.number().int().positive().optional(),
  onTimeout: z.enum(['reject', 'approve', 'escalate']).default('reject'),
});
export type ApprovalSpec = z.output<typeof ApprovalSpecSchema>;

export const RetrySpecSchema = z.strictObject({
  max: z.number().int().min(0).max(20),
  backoffMs: z.number().int().nonnegative().default(500),
  factor: z.number().min(1).default(2),
  maxBackoffMs: z.number().int().nonnegative().default(30_000),
  /** Fraction of each delay that is randomised (0 = none). */
  jitter: z.number().min(0).max(1).default(0.2),
});
export type RetrySpec = z.output<typeof RetrySpecSchema>;

const common = {
  id: NodeIdSchema,
  label: z.string().max(200).optional(),
  description: z.string().optional(),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
  startTier: StartTierSchema.optional(),
  maxTier: TierRefSchema.optional(),
  retries: RetrySpecSchema.optional(),
  timeoutMs: z.number().int().positive().optional(),
  gate: GateSpecSchema.optional(),
  approval: ApprovalSpecSchema.optional(),
};

export const LlmNodeSchema = z.strictObject({
  ...common,
  kind: z.literal('llm'),
  /** Template over upstream outputs and run inputs, e.g. `Summarise {{research}}`. */
  prompt: z.string().min(1),
  system: z.string().optional(),
  /** Ask for JSON (optionally matching a JSON Schema) instead of text. */
  output: z
    .strictObject({ format: z.enum(['text', 'json']), schema: z.record(z.string(), JsonSchema).optional() })
    .optional(),
  sim: SimSpecSchema.optional(),
});

export const ApprovalNodeSchema = z.strictObject({
  ...common,
  kind: z.literal('approval'),
  prompt: z.string().min(1),
  /** Template whose value is shown to the approver and becomes the output when approved. */
  payload: JsonSchema.optional(),
  onTimeout: z.enum(['reject', 'approve', 'escalate']).default('reject'),
});

export const TransformNodeSchema = z.strictObject({
  ...common,
  kind: z.literal('transform'),
  /** A JSON value whose string leaves are templates; `"{{a.b}}"` alone yields the value itself. */
  mapping: JsonSchema,
});

export const MapNodeSchema = z.strictObject({
  ...common,
  kind: z.literal('map'),
  /** A reference to a list, e.g. `{{plan.topics}}`; one child per item. */
  items: z.string().min(1),
  /** The child's prompt; `{{item}}` and `{{index}}` name the item. */
  prompt: z.string().min(1),
  system: z.string().optional(),
  maxItems: z.number().int().positive().max(1000).default(100),
  sim: SimSpecSchema.optional(),
});

export const nodeKinds = ['llm', 'approval', 'transform', 'map'] as const;
export type NodeKind = (typeof nodeKinds)[number];

export const NodeSpecSchema = z.discriminatedUnion('kind', [
  LlmNodeSchema,
  ApprovalNodeSchema,
  TransformNodeSchema,
  MapNodeSchema,
]);
export type NodeSpec = z.output<typeof NodeSpecSchema>;
export type NodeSpecOf<K extends NodeKind> = Extract<NodeSpec, { kind: K }>;

export const EdgeSpecSchema = z.strictObject({
  id: z.string().optional(),
  source: NodeIdSchema,
  target: NodeIdSchema,
  label: z.string().optional(),
  /** The target runs only if this holds on the source's output; otherwise it is skipped. */
  condition: ConditionSchema.optional(),
});
export type EdgeSpec = z.output<typeof EdgeSpecSchema>;

/** A DAG document, as authored in the editor and stored by the server. */
export const DagSpecSchema = z.strictObject({
  id: NodeIdSchema,
  name: z.string().max(200).optional(),
  description: z.string().optional(),
  version: z.number().int().positive().optional(),
  /** The ladder this DAG prefers; a run may override it. */
  ladder: z.array(TierSchema).min(1).optional(),
  /** Where nodes that set no `startTier` start (`"auto"`: learned from history); a run may override it. */
  startTier: StartTierSchema.optional(),
  /** Default run inputs, readable in templates as `{{inputs.name}}`. */
  inputs: z.record(z.string(), JsonSchema).optional(),
  /** The run's inputs as a JSON Schema (type, default, description, enum, required): a form at Run. */
  inputSchema: RunInputsSchemaSchema.optional(),
  nodes: z.array(NodeSpecSchema).min(1).max(dagLimits.nodes),
  edges: z.array(EdgeSpecSchema).max(dagLimits.edges).default([]),
});
export type DagSpec = z.output<typeof DagSpecSchema>;
export type DagSpecInput = z.input<typeof DagSpecSchema>;
