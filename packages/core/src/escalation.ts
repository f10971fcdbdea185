import { z } from 'zod';
import { TierIndexSchema } from './tier.ts';

export const EscalationTriggerSchema = z.enum([
  'low_confidence',
  'out_of_depth',
  'invalid_output',
  'error',
  'manual',
]);
export type EscalationTrigger = z.infer<typeof EscalationTriggerSchema>;

/** `blocked` hands the work on; `fyi` is a note that routes nowhere and changes no lane. */
export const UrgencySchema = z.enum(['blocked', 'fyi']);
export type Urgency = z.infer<typeof UrgencySchema>;

/** A confidence score in 0..1. */
export const ScoreSchema = z.number().min(0).max(1);

/** Per-category ratings, e.g. `{correctness: 0.9, risk: 0.7}`. */
export const RatingsSchema = z.record(z.string().min(1), ScoreSchema);
export type Ratings = z.infer<typeof RatingsSchema>;

/** What a node (or its confidence gate) asks for when it is stuck. */
export const EscalationRequestSchema = z.strictObject({
  reason: z.string().min(1),
  trigger: EscalationTriggerSchema,
  urgency: UrgencySchema,
  fromTier: TierIndexSchema,
  confidence: ScoreSchema.optional(),
  ratings: RatingsSchema.optional(),
  humanRequired: z.boolean().optional(),
  evidence: z.array(z.string()).optional(),
});
export type EscalationRequest = z.infer<typeof EscalationRequestSchema>;

export const EscalationRouteSchema = z.enum(['higher_tier', 'give_up', 'human']);
export type EscalationRoute = z.infer<typeof EscalationRouteSchema>;
