import { type EscalationRequest, EscalationRequestSchema, type EscalationRoute } from '../escalation.ts';

/** Thrown by an operation to hand its work on. */
export class EscalationError extends Error {
  override name = 'EscalationError';
  constructor(readonly request: EscalationRequest) {
    super(request.reason);
  }
}

/** The escalation request an operation threw, if it threw one (an EscalationError or a bare request). */
export const escalationOf = (thrown: unknown): EscalationRequest | undefined => {
  if (thrown instanceof EscalationError) return thrown.request;
  const r = EscalationRequestSchema.safeParse(thrown);
  return r.success ? r.data : undefined;
};

export interface RouteInput {
  request: EscalationRequest;
  /** Tier the work ran at. */
  tier: number;
  /** Highest model tier this node may use. */
  maxTier: number;
  /** Index of the human rung, or -1 when the ladder has none. */
  humanTier: number;
  /** How many escalations already lead to this node. */
  depth: number;
  maxDepth: number;
}

/**
 * Where a blocked request goes: `human` when a human is required (or the model tiers are
 * exhausted and the ladder ends in a human rung), `higher_tier` while a higher model tier exists and
 * the depth is under the limit, otherwise `give_up`.
 */
export const chooseRoute = (r: RouteInput): { route: EscalationRoute; toTier?: number } => {
  const human = r.humanTier >= 0 && r.tier < r.humanTier;
  if (r.request.humanRequired && human) return { route: 'human', toTier: r.humanTier };
  const next = r.tier + 1;
  if (next <= r.maxTier && next !== r.humanTier && r.depth < r.maxDepth)
    return { route: 'higher_tier', toTier: next };
  if (human) return { route: 'human', toTier: r.humanTier };
  return { route: 'give_up' };
};
