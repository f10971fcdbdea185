import { z } from 'zod';
import { RatingsSchema, ScoreSchema } from './escalation.ts';
import { JsonSchema } from './signals.ts';

/**
 * What the deterministic `sim` model does at one tier. Everything a demo needs to show every lane:
 * the answer, how sure it is, how long it takes, what it costs, and when it fails or gives up.
 */
export const SimBehaviourSchema = z.strictObject({
  answer: JsonSchema.optional(),
  /** One score for every gate category, or per category; a list gives one per gate round (the last repeats). */
  confidence: z
    .union([ScoreSchema, RatingsSchema, z.array(z.union([ScoreSchema, RatingsSchema])).min(1)])
    .optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  tokens: z
    .strictObject({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() })
    .optional(),
  /** Fail this many calls (per node, per tier) before answering. */
  failTimes: z.number().int().nonnegative().optional(),
  failMessage: z.string().optional(),
  /** Answer with an explicit escalation (out of depth) instead of an answer. */
  escalate: z.strictObject({ reason: z.string().min(1), humanRequired: z.boolean().optional() }).optional(),
  /** Answer, with this note attached (an `fyi` escalation request that routes nowhere). */
  note: z.strictObject({ reason: z.string().min(1) }).optional(),
  /** Stream the answer as `node.output_delta` chunks. */
  stream: z.boolean().optional(),
});
export type SimBehaviour = z.infer<typeof SimBehaviourSchema>;

/** Defaults for every tier, and overrides keyed by tier index or tier name. */
export const SimSpecSchema = SimBehaviourSchema.extend({
  tiers: z.record(z.string(), SimBehaviourSchema).optional(),
});
export type SimSpec = z.infer<typeof SimSpecSchema>;
