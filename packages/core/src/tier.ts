import { z } from 'zod';

/**
 * One rung of a model ladder. Tiers are referred to on the wire by their 0-based index in the run's
 * ladder (see docs/adr/0001-tiers-by-index.md); `name` is for display and for DAG files.
 * A rung whose provider is `human` is the human rung: work routed there becomes an approval.
 */
export const TierSchema = z.strictObject({
  name: z.string().min(1),
  provider: z.string().min(1),
  model: z.string().min(1),
  costPer1kInput: z.number().nonnegative().default(0),
  costPer1kOutput: z.number().nonnegative().default(0),
  /** Base URL for HTTP providers (OpenAI-compatible). */
  baseUrl: z.url().optional(),
  /** Name of the environment variable holding the API key; the key itself never travels. */
  apiKeyEnv: z.string().optional(),
});
export type Tier = z.output<typeof TierSchema>;
export type TierInput = z.input<typeof TierSchema>;

/** An ordered list of tiers, cheapest first. */
export const LadderSchema = z.array(TierSchema).min(1);
export type Ladder = Tier[];

/** Tier index on the wire: 0 is the cheapest rung. */
export const TierIndexSchema = z.number().int().nonnegative();

/** True when the rung is a person, not a model. */
export const isHumanTier = (tier: Tier | undefined): boolean => tier?.provider === 'human';

/** The ladder used when neither the run nor the server sets one: three simulated tiers and a human. */
export const defaultLadder: Ladder = [
  { name: 'small', provider: 'sim', model: 'sim-small', costPer1kInput: 0.00015, costPer1kOutput: 0.0006 },
  { name: 'medium', provider: 'sim', model: 'sim-medium', costPer1kInput: 0.0025, costPer1kOutput: 0.01 },
  { name: 'large', provider: 'sim', model: 'sim-large', costPer1kInput: 0.015, costPer1kOutput: 0.075 },
  { name: 'human', provider: 'human', model: 'human', costPer1kInput: 0, costPer1kOutput: 0 },
];
