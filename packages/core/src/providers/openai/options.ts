import type { Json } from '../../signals.ts';
import type { Tier } from '../../tier.ts';

/** Where a tier without `baseUrl` is sent. */
export const defaultOpenAIBaseUrl = 'https://api.openai.com/v1';

/** The part of a fetch `Response` the provider reads; the platform `fetch` satisfies it. */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly body: {
    getReader(): {
      read(): Promise<{ done: boolean; value?: Uint8Array }>;
      cancel(reason?: unknown): Promise<void>;
    };
  } | null;
  text(): Promise<string>;
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<FetchResponseLike>;

/**
 * How JSON output is requested. `auto` (default): `json_schema` when the node gives a schema, else
 * `json_object`; a server that answers 400 about `response_format` is asked again without one (the
 * prompt still asks for JSON), and that model is remembered as not supporting it.
 */
export type ResponseFormatMode = 'auto' | 'json_schema' | 'json_object' | 'none';

export interface OpenAIProviderOptions {
  /**
   * The API key for a tier, or `undefined` for none (Ollama, LM Studio, vLLM without `--api-key`).
   * Core never reads the environment: a server passes a resolver over `process.env[tier.apiKeyEnv]`
   * (see {@link trustedApiKeys}); a browser passes nothing.
   */
  apiKey?: (tier: Tier) => string | undefined;
  /** Defaults to the platform `fetch`. */
  fetch?: FetchLike;
  /** Extra request headers (e.g. `OpenAI-Organization`, a proxy's auth), per provider or per tier. */
  headers?: Record<string, string> | ((tier: Tier) => Record<string, string>);
  /** Extra fields for the request body (e.g. `temperature`, `seed`, `max_completion_tokens`). */
  body?: Record<string, Json> | ((tier: Tier) => Record<string, Json>);
  /**
   * Inactivity timeout per HTTP attempt, in ms: the longest wait for the response headers and then
   * between two pieces of the body. A slow but steady stream never times out. Default 120 000.
   */
  timeoutMs?: number;
  /** Retries of one call on 408/409/429/5xx, network errors and timeouts. Default 2. */
  maxRetries?: number;
  /** First backoff delay (doubling, ±25% jitter). Default 500 ms. */
  retryBaseMs?: number;
  /**
   * Longest wait between retries. A `Retry-After` longer than this is not waited for: the call fails
   * with `rate_limited` (retryable by the node's own `retries`). Default 60 000.
   */
  maxRetryDelayMs?: number;
  /** Stream the reply (`node.output_delta`) — default true. Without it a reply arrives in one piece. */
  stream?: boolean;
  responseFormat?: ResponseFormatMode;
  /** Tell the model it may escalate instead of answering. Default true. */
  escalation?: boolean;
  /** Source of randomness for backoff jitter. */
  random?: () => number;
}

/** A tier's endpoint, without a trailing slash. */
export const baseOf = (tier: Tier): string => (tier.baseUrl ?? defaultOpenAIBaseUrl).replace(/\/+$/, '');

/** How errors name a tier. */
export const where = (tier: Tier): string => `tier "${tier.name}" (model ${tier.model} at ${baseOf(tier)})`;

/**
 * An `apiKey` resolver for servers: reads `env[tier.apiKeyEnv]`, but only for a tier whose
 * `apiKeyEnv` *and* base URL match a tier of the server's own (trusted) ladder. A ladder sent by a
 * client can thus use the configured keys with their configured endpoints, but cannot make the
 * server send an arbitrary environment variable to a host of its choosing.
 */
export const trustedApiKeys = (
  trusted: readonly Tier[],
  env: Record<string, string | undefined>,
): ((tier: Tier) => string | undefined) => {
  const allowed = new Set(trusted.filter((t) => t.apiKeyEnv).map((t) => `${t.apiKeyEnv} ${baseOf(t)}`));
  return (tier) =>
    tier.apiKeyEnv && allowed.has(`${tier.apiKeyEnv} ${baseOf(tier)}`) ? env[tier.apiKeyEnv] : undefined;
};

/** The provider's options with their defaults, and what it learns while it runs. */
export interface OpenAIConfig {
  options: OpenAIProviderOptions;
  doFetch: FetchLike;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
  stream: boolean;
  mode: ResponseFormatMode;
  escalation: boolean;
  random: () => number;
  /** `baseUrl model` of servers that refused `response_format` (mode `auto` only). */
  noResponseFormat: Set<string>;
}

export const configOf = (options: OpenAIProviderOptions): OpenAIConfig => ({
  options,
  doFetch: options.fetch ?? ((url, init) => fetch(url, init)),
  timeoutMs: options.timeoutMs ?? 120_000,
  maxRetries: options.maxRetries ?? 2,
  retryBaseMs: options.retryBaseMs ?? 500,
  maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
  stream: options.stream ?? true,
  mode: options.responseFormat ?? 'auto',
  escalation: options.escalation ?? true,
  random: options.random ?? Math.random,
  noResponseFormat: new Set(),
});
