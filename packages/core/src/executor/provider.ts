import type { Ratings } from '../escalation.ts';
import type { Json } from '../signals.ts';
import type { SimSpec } from '../sim-spec.ts';
import type { Tier } from '../tier.ts';

/** Why the work is being re-done: the escalation that queued this node, or the gate's last rating. */
export interface WorkContext {
  escalation?: { reason: string; fromTier: number; ratings?: Ratings };
  feedback?: { ratings: Ratings; overall: number; target: number; round: number };
}

export interface CompletionRequest extends WorkContext {
  prompt: string;
  system?: string;
  format: 'text' | 'json';
  schema?: Record<string, Json>;
  tier: number;
  tierSpec: Tier;
  nodeId: string;
  /** Which try of the node's work this is (1-based); attempts a restart interrupted do not count. */
  attempt: number;
  /** The node's simulated behaviour, read only by the `sim` provider. */
  sim?: SimSpec;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface Completion {
  /** The answer: text, or parsed JSON when the request asked for JSON. */
  output: Json;
  usage: TokenUsage;
  model: string;
  /** The model said it is out of its depth instead of answering. */
  escalate?: { reason: string; humanRequired?: boolean };
  /** A note that goes with the answer (an `fyi` escalation request): recorded, routed nowhere. */
  note?: { reason: string };
}

export interface RatingRequest {
  prompt: string;
  output: Json;
  categories: string[];
  round: number;
  tier: number;
  tierSpec: Tier;
  nodeId: string;
  attempt: number;
  sim?: SimSpec;
}

export interface Rating {
  ratings: Ratings;
  usage: TokenUsage;
  model: string;
}

export interface CallOptions {
  signal: AbortSignal;
  /** Waits on the run's clock (virtual in tests); providers that simulate latency use it. */
  sleep: (ms: number) => Promise<void>;
  /** Streams partial output; becomes `node.output_delta`. */
  onDelta?: (text: string) => void;
}

/** A model backend: completes prompts and rates work for the confidence gate. */
export interface Provider {
  complete(request: CompletionRequest, options: CallOptions): Promise<Completion>;
  rate(request: RatingRequest, options: CallOptions): Promise<Rating>;
}

/**
 * Thrown by providers for failures worth naming; `code` reaches `node.failed.error.code`. `spent` is
 * the usage of a call that was billed but failed anyway (e.g. an unparseable answer): the operation
 * still emits it as a `usage` signal.
 */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    message: string,
    readonly code: string,
    readonly retryable = true,
    readonly spent?: { model: string; usage: TokenUsage },
  ) {
    super(message);
  }
}
