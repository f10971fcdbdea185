import { z } from 'zod';
import type { Ratings } from '../escalation.ts';
import {
  type CallOptions,
  type Completion,
  type CompletionRequest,
  type Provider,
  ProviderError,
  type Rating,
  type RatingRequest,
  type TokenUsage,
} from '../executor/provider.ts';
import type { Json } from '../signals.ts';
import { storableText } from '../storable.ts';
import type { Tier } from '../tier.ts';
import { backoffMs, isRetryableStatus, retryAfterMs } from './retry.ts';
import { createSseParser } from './sse.ts';

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
  /** Tell the model it may escalate instead of answering (DESIGN §4 out_of_depth). Default true. */
  escalation?: boolean;
  /** Source of randomness for backoff jitter. */
  random?: () => number;
}

// ---- prompts ----------------------------------------------------------------------------------

const escalateShape = '{"escalate": {"reason": "<one sentence: what is missing>", "humanRequired": false}}';
const whenToEscalate =
  'If you cannot do this task reliably (it needs knowledge, tools or judgement you do not have, or a ' +
  'decision only a person may take), do not guess';
const humanRequiredNote = 'Set "humanRequired" to true only when a person must decide.';

/** The instruction appended to the system prompt of every completion (see docs/adr/0007). */
export const escalationInstruction = (format: 'text' | 'json' | 'envelope'): string =>
  format === 'envelope'
    ? `${whenToEscalate}: reply {"answer": null, "escalate": {"reason": "<one sentence: what is missing>", "humanRequired": false}} instead. ${humanRequiredNote}`
    : format === 'json'
      ? `${whenToEscalate}: reply with only ${escalateShape} instead. ${humanRequiredNote}`
      : `${whenToEscalate}: reply with only this JSON object and nothing else: ${escalateShape}. ${humanRequiredNote}`;

const fmt = (ratings: Ratings): string =>
  Object.entries(ratings)
    .map(([c, v]) => `${c} ${v.toFixed(2)}`)
    .join(', ');

/** The chat messages for a completion: the node's system prompt plus format and escalation rules. */
export const completionMessages = (
  req: CompletionRequest,
  escalation = true,
): { role: 'system' | 'user'; content: string }[] => {
  const envelope = req.format === 'json' && req.schema !== undefined;
  const system: string[] = [];
  if (req.system) system.push(req.system);
  if (envelope)
    system.push(
      `Reply with a single JSON object {"answer": <your answer>, "escalate": null} and nothing else, where the answer matches this JSON Schema: ${JSON.stringify(req.schema)}`,
    );
  else if (req.format === 'json') system.push('Reply with a single JSON object and nothing else.');
  if (escalation) system.push(escalationInstruction(envelope ? 'envelope' : req.format));
  let user = req.prompt;
  if (req.escalation) {
    const e = req.escalation;
    user += `\n\n---\nThis task was escalated to you from a lower tier (tier ${e.fromTier}): ${e.reason}.`;
    if (e.ratings) user += ` Its ratings were: ${fmt(e.ratings)}. Do better where they were low.`;
  }
  if (req.feedback) {
    const f = req.feedback;
    user += `\n\n---\nA previous answer to this task was rated ${fmt(f.ratings)} (overall ${f.overall.toFixed(2)}, target ${f.target}). Answer again: improve where the ratings are low, and seek and state evidence.`;
  }
  return [
    ...(system.length > 0 ? [{ role: 'system' as const, content: system.join('\n\n') }] : []),
    { role: 'user', content: user },
  ];
};

const categoryHelp: Record<string, string> = {
  correctness: 'is it right?',
  completeness: 'does it do everything the task asks?',
  evidence: 'are its claims supported by evidence or reasoning shown?',
  risk: 'is it safe to act on (1 = low risk if used as is)?',
};

/** The chat messages asking a model to rate work for the confidence gate (see docs/adr/0007). */
export const ratingMessages = (req: RatingRequest): { role: 'system' | 'user'; content: string }[] => {
  const cats = req.categories.map((c) => `- ${c}${categoryHelp[c] ? `: ${categoryHelp[c]}` : ''}`);
  const example = JSON.stringify({ ratings: Object.fromEntries(req.categories.map((c) => [c, 0.5])) });
  const answer = typeof req.output === 'string' ? req.output : JSON.stringify(req.output, null, 2);
  return [
    {
      role: 'system',
      content: [
        'You are a strict reviewer. Rate how well the answer below does the task, in each category, with a number from 0 (fails completely) to 1 (certainly right, nothing missing). Be calibrated: rate 0.9 or more only when you are confident.',
        `Categories:\n${cats.join('\n')}`,
        `Reply with only a JSON object like ${example} and nothing else.`,
      ].join('\n\n'),
    },
    { role: 'user', content: `Task:\n${req.prompt}\n\nAnswer:\n${answer}` },
  ];
};

// ---- reading replies --------------------------------------------------------------------------

const EscalateSchema = z.object({
  reason: z.string().trim().min(1),
  humanRequired: z.boolean().nullish(),
});
type Escalate = NonNullable<Completion['escalate']>;

const toEscalate = (value: unknown): Escalate | undefined => {
  const r = EscalateSchema.safeParse(value);
  if (!r.success) return undefined;
  return {
    reason: r.data.reason,
    ...(typeof r.data.humanRequired === 'boolean' && { humanRequired: r.data.humanRequired }),
  };
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Drops a leading `<think>…</think>` block (reasoning models served by Ollama or vLLM). */
export const stripThinking = (text: string): string => {
  const think = /^\s*<think>[\s\S]*?<\/think>\s*/.exec(text);
  return think ? text.slice(think[0].length) : text;
};

/** Drops a leading `<think>…</think>` and a surrounding Markdown code fence, to read JSON. */
export const unwrapReply = (text: string): string => {
  const t = stripThinking(text).trim();
  const fence = /^```[A-Za-z0-9_-]*\s*\n([\s\S]*?)\n?```$/.exec(t);
  return fence ? (fence[1] as string).trim() : t;
};

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/** `{"escalate": {...}}` alone (no other keys) is the model asking to escalate. */
const escalateOnly = (value: unknown): Escalate | undefined =>
  isObject(value) && Object.keys(value).length === 1 && 'escalate' in value
    ? toEscalate(value.escalate)
    : undefined;

const RatingReplySchema = z.union([
  z.object({ ratings: z.record(z.string(), z.number()) }).transform((r) => r.ratings),
  z.record(z.string(), z.number()),
]);

/** The ratings in a rater's reply, every category present and in 0..1; `undefined` if unusable. */
export const parseRatingReply = (text: string, categories: string[]): Ratings | undefined => {
  const json = parseJson(unwrapReply(text));
  if (!json.ok) return undefined;
  const r = RatingReplySchema.safeParse(json.value);
  if (!r.success) return undefined;
  const ratings: Ratings = {};
  for (const c of categories) {
    const v = r.data[c];
    if (v === undefined || !(v >= 0 && v <= 1)) return undefined;
    ratings[c] = v;
  }
  return ratings;
};

const UsageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
});
const ErrorBodySchema = z.object({ message: z.string() });
const ChunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: UsageSchema.nullish(),
  error: z.union([ErrorBodySchema, z.string()]).nullish(),
});
const ReplySchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: UsageSchema.nullish(),
});

/**
 * The message in an error body: OpenAI `{error: {message}}`, Ollama `{error: "…"}`, vLLM `{message}`.
 * Anything else is described, never quoted: a reply body (an HTML error page, a proxy's dump) can
 * carry what must not reach a signal, which every watcher of the run reads.
 */
const errorMessageOf = (text: string): string => {
  const j = parseJson(text);
  let message: string | undefined;
  if (j.ok && isObject(j.value)) {
    const e = j.value.error;
    if (isObject(e) && typeof e.message === 'string') message = e.message;
    else if (typeof e === 'string') message = e;
    else if (typeof j.value.message === 'string') message = j.value.message;
  }
  if (message !== undefined) return storableText(message).slice(0, 300);
  return text.trim() === '' ? '' : `a ${text.length}-character body that is not a JSON error`;
};

const estimateTokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

// ---- the provider -----------------------------------------------------------------------------

interface ChatReply {
  text: string;
  usage: TokenUsage;
  finishReason?: string;
}

/** A failure of one HTTP attempt, and whether the call may try again (after `afterMs`, if given). */
class AttemptFailure extends Error {
  constructor(
    readonly error: ProviderError,
    readonly retry: boolean,
    readonly afterMs?: number,
  ) {
    super(error.message);
  }
}

const httpCode = (status: number): string =>
  status === 400 || status === 422
    ? 'bad_request'
    : status === 401
      ? 'unauthorized'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : status === 408
            ? 'timeout'
            : status === 429
              ? 'rate_limited'
              : status >= 500
                ? 'server_error'
                : `http_${status}`;

const httpHint = (status: number, tier: Tier): string =>
  status === 401 || status === 403
    ? tier.apiKeyEnv
      ? ` (check the key in env ${tier.apiKeyEnv})`
      : ' (the tier has no apiKeyEnv, so no key was sent)'
    : status === 404
      ? " (check the tier's baseUrl and model; Ollama: `ollama pull` the model first)"
      : '';

/**
 * A provider for any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, LM Studio),
 * using `fetch` only, so it runs in browsers and in Node. Each tier gives `baseUrl` (default
 * {@link defaultOpenAIBaseUrl}), `model` and optionally `apiKeyEnv`, resolved by `options.apiKey`.
 * See docs/adr/0007-openai-provider.md for how escalation and self-rating are asked of the model.
 */
export const createOpenAIProvider = (options: OpenAIProviderOptions = {}): Provider => {
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxRetries = options.maxRetries ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const stream = options.stream ?? true;
  const mode = options.responseFormat ?? 'auto';
  const escalation = options.escalation ?? true;
  const random = options.random ?? Math.random;
  /** `baseUrl model` of servers that refused `response_format` (mode `auto` only). */
  const noResponseFormat = new Set<string>();

  const baseOf = (tier: Tier) => (tier.baseUrl ?? defaultOpenAIBaseUrl).replace(/\/+$/, '');
  const where = (tier: Tier) => `tier "${tier.name}" (model ${tier.model} at ${baseOf(tier)})`;

  const headersFor = (tier: Tier): Record<string, string> => {
    const extra = typeof options.headers === 'function' ? options.headers(tier) : options.headers;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      ...extra,
    };
    const key = options.apiKey?.(tier);
    if (key) headers.authorization = `Bearer ${key}`;
    else if (tier.apiKeyEnv && !Object.keys(headers).some((h) => /^(authorization|api-key)$/i.test(h)))
      throw new ProviderError(
        `${where(tier)} needs an API key from env ${tier.apiKeyEnv}, which this process does not provide`,
        'missing_api_key',
        false,
      );
    return headers;
  };

  /** One HTTP attempt: POST, then read the SSE stream (or the JSON body) to the end. */
  const attempt = async (
    tier: Tier,
    body: Record<string, Json>,
    call: CallOptions,
    delivered: { any: boolean },
  ): Promise<ChatReply> => {
    const url = `${baseOf(tier)}/chat/completions`;
    const headers = headersFor(tier);
    const controller = new AbortController();
    const onAbort = () => controller.abort(call.signal.reason);
    call.signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new ProviderError('timed out', 'timeout'));
      }, timeoutMs);
    };
    const failure = (err: unknown, what: string): AttemptFailure => {
      if (err instanceof AttemptFailure) return err;
      if (timedOut)
        return new AttemptFailure(
          new ProviderError(`${where(tier)}: no reply for ${timeoutMs} ms (${what})`, 'timeout'),
          !delivered.any,
        );
      const msg = err instanceof Error ? err.message : String(err);
      return new AttemptFailure(
        new ProviderError(
          `${where(tier)}: ${what} failed: ${msg}`,
          delivered.any ? 'stream_interrupted' : 'network_error',
        ),
        !delivered.any,
      );
    };
    let finished = false;
    arm();
    try {
      let res: FetchResponseLike;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: controller.signal,
        });
      } catch (err) {
        call.signal.throwIfAborted();
        throw failure(err, 'request');
      }
      if (!res.ok) {
        let text = '';
        try {
          text = await res.text();
        } catch {}
        call.signal.throwIfAborted();
        const status = res.status;
        const message = `${where(tier)}: HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}: ${errorMessageOf(text) || '(empty body)'}${httpHint(status, tier)}`;
        const retryable = isRetryableStatus(status);
        const error = new ProviderError(message, httpCode(status), retryable);
        throw new AttemptFailure(error, retryable, retryAfterMs(res.headers));
      }
      arm();
      const reply = stream
        ? await readStream(res, tier, call, arm, delivered, failure)
        : await readBody(res, tier, failure);
      finished = true;
      return reply;
    } finally {
      clearTimeout(timer);
      call.signal.removeEventListener('abort', onAbort);
      // Leaving early (error, malformed chunk) must close the connection.
      if (!finished) controller.abort(new ProviderError('request abandoned', 'cancelled', false));
    }
  };

  const readBody = async (
    res: FetchResponseLike,
    tier: Tier,
    failure: (err: unknown, what: string) => AttemptFailure,
  ): Promise<ChatReply> => {
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw failure(err, 'reading the reply');
    }
    const json = parseJson(text);
    const r = json.ok ? ReplySchema.safeParse(json.value) : undefined;
    if (!r?.success)
      throw new AttemptFailure(
        new ProviderError(
          `${where(tier)}: malformed reply (${json.ok ? 'not a chat completion' : 'not JSON'}, ${text.length} characters)`,
          'invalid_response',
        ),
        false,
      );
    const choice = r.data.choices[0] as (typeof r.data.choices)[number];
    if (choice.message.refusal) throw refused(tier, storableText(choice.message.refusal));
    // A reply is stored as a signal: text a store cannot hold would fail every commit of the run.
    const content = storableText(choice.message.content ?? '');
    return {
      text: content,
      usage: r.data.usage
        ? { inputTokens: r.data.usage.prompt_tokens, outputTokens: r.data.usage.completion_tokens }
        : { inputTokens: 0, outputTokens: estimateTokens(content.length) },
      ...(choice.finish_reason && { finishReason: choice.finish_reason }),
    };
  };

  const refused = (tier: Tier, why: string) =>
    new AttemptFailure(new ProviderError(`${where(tier)} refused: ${why}`, 'refused', false), false);

  const readStream = async (
    res: FetchResponseLike,
    tier: Tier,
    call: CallOptions,
    arm: () => void,
    delivered: { any: boolean },
    failure: (err: unknown, what: string) => AttemptFailure,
  ): Promise<ChatReply> => {
    if (!res.body)
      throw new AttemptFailure(
        new ProviderError(`${where(tier)}: empty response body`, 'invalid_response'),
        true,
      );
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const sse = createSseParser();
    let text = '';
    let refusal = '';
    let usage: TokenUsage | undefined;
    let finishReason: string | undefined;
    let done = false;
    const onEvent = (data: string) => {
      if (data.trim() === '[DONE]') {
        done = true;
        return;
      }
      const json = parseJson(data);
      const r = json.ok ? ChunkSchema.safeParse(json.value) : undefined;
      if (!r?.success)
        throw new AttemptFailure(
          new ProviderError(
            `${where(tier)}: malformed stream chunk (${data.length} characters)`,
            'invalid_response',
          ),
          false,
        );
      const c = r.data;
      if (c.error)
        throw new AttemptFailure(
          new ProviderError(
            `${where(tier)}: error in stream: ${typeof c.error === 'string' ? c.error : c.error.message}`,
            'server_error',
          ),
          !delivered.any,
        );
      if (c.usage) usage = { inputTokens: c.usage.prompt_tokens, outputTokens: c.usage.completion_tokens };
      const choice = c.choices?.[0];
      if (!choice) return;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      if (choice.delta?.refusal) refusal += storableText(choice.delta.refusal);
      const piece = choice.delta?.content && storableText(choice.delta.content);
      if (piece) {
        text += piece;
        delivered.any = true;
        call.onDelta?.(piece);
      }
    };
    try {
      while (!done) {
        let chunk: { done: boolean; value?: Uint8Array };
        try {
          chunk = await reader.read();
        } catch (err) {
          call.signal.throwIfAborted();
          throw failure(err, 'reading the stream');
        }
        arm();
        const events = chunk.done ? sse.end() : sse.push(decoder.decode(chunk.value, { stream: true }));
        for (const e of events) {
          onEvent(e.data);
          if (done) break;
        }
        if (chunk.done) break;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
    if (refusal) throw refused(tier, refusal);
    return {
      text,
      usage: usage ?? { inputTokens: 0, outputTokens: estimateTokens(text.length) },
      ...(finishReason && { finishReason }),
    };
  };

  /** One chat call with retries: backoff on 408/409/429/5xx, network errors and timeouts. */
  const chat = async (
    tier: Tier,
    messages: { role: string; content: string }[],
    responseFormat: Record<string, Json> | undefined,
    call: CallOptions,
  ): Promise<ChatReply> => {
    const extra = typeof options.body === 'function' ? options.body(tier) : options.body;
    const formatKey = `${baseOf(tier)} ${tier.model}`;
    const promptChars = messages.reduce((n, m) => n + m.content.length, 0);
    const delivered = { any: false };
    let format = mode === 'none' || noResponseFormat.has(formatKey) ? undefined : responseFormat;
    for (let retry = 0; ; ) {
      call.signal.throwIfAborted();
      const body: Record<string, Json> = {
        ...extra,
        model: tier.model,
        messages,
        stream,
        ...(stream && { stream_options: { include_usage: true } }),
        ...(format && { response_format: format }),
      };
      try {
        const reply = await attempt(tier, body, call, delivered);
        // Servers that ignore `include_usage` (or send no usage): estimate the prompt side too.
        if (reply.usage.inputTokens === 0) reply.usage.inputTokens = estimateTokens(promptChars);
        return reply;
      } catch (err) {
        call.signal.throwIfAborted();
        if (!(err instanceof AttemptFailure)) throw err;
        const e = err.error;
        if (
          mode === 'auto' &&
          format &&
          e.code === 'bad_request' &&
          /response_format|json_schema|json_object/i.test(e.message)
        ) {
          noResponseFormat.add(formatKey);
          format = undefined;
          continue;
        }
        if (!err.retry || retry >= maxRetries) throw e;
        retry++;
        if (err.afterMs !== undefined && err.afterMs > maxRetryDelayMs)
          throw new ProviderError(
            `${e.message} (the server asked to retry after ${Math.ceil(err.afterMs / 1000)} s, longer than maxRetryDelayMs)`,
            e.code,
            true,
          );
        await call.sleep(err.afterMs ?? backoffMs(retry, retryBaseMs, maxRetryDelayMs, random));
      }
    }
  };

  const jsonFormat = (name: string, schema: Record<string, Json>, strict: boolean): Record<string, Json> =>
    mode === 'json_object'
      ? { type: 'json_object' }
      : { type: 'json_schema', json_schema: { name, strict, schema } };

  return {
    async complete(req, call) {
      const tier = req.tierSpec;
      const envelope = req.format === 'json' && req.schema !== undefined;
      const responseFormat =
        req.format !== 'json'
          ? undefined
          : envelope
            ? jsonFormat(
                'answer',
                {
                  type: 'object',
                  properties: {
                    answer: req.schema as Record<string, Json>,
                    escalate: {
                      anyOf: [
                        { type: 'null' },
                        {
                          type: 'object',
                          properties: { reason: { type: 'string' }, humanRequired: { type: 'boolean' } },
                          required: ['reason'],
                        },
                      ],
                    },
                  },
                },
                false,
              )
            : { type: 'json_object' };
      const reply = await chat(tier, completionMessages(req, escalation), responseFormat, call);
      const { usage } = reply;
      const model = tier.model;
      const unwrapped = unwrapReply(reply.text);
      const json = parseJson(unwrapped);
      if (req.format !== 'json') {
        const escalate = escalation && json.ok ? escalateOnly(json.value) : undefined;
        return escalate
          ? { output: null, usage, model, escalate }
          : { output: stripThinking(reply.text), usage, model };
      }
      const invalid = (why: string) =>
        new ProviderError(
          `${where(tier)} ${why}${reply.finishReason === 'length' ? ' (the reply was cut off at the token limit)' : ''}: ${unwrapped.slice(0, 200)}`,
          'invalid_output',
          true,
          { model, usage },
        );
      if (!json.ok) throw invalid('did not reply with valid JSON');
      let value = json.value;
      const escalate = escalation ? escalateOnly(value) : undefined;
      if (escalate) return { output: null, usage, model, escalate };
      if (envelope && isObject(value) && ('answer' in value || 'escalate' in value)) {
        if (Object.keys(value).every((k) => k === 'answer' || k === 'escalate')) {
          const esc = escalation ? toEscalate(value.escalate) : undefined;
          if (esc) return { output: null, usage, model, escalate: esc };
          if (value.answer === undefined || value.answer === null)
            throw invalid('replied with neither an answer nor an escalation');
          value = value.answer;
        }
      }
      return { output: value as Json, usage, model };
    },

    async rate(req, call): Promise<Rating> {
      const tier = req.tierSpec;
      const schema: Record<string, Json> = {
        type: 'object',
        properties: {
          ratings: {
            type: 'object',
            properties: Object.fromEntries(req.categories.map((c) => [c, { type: 'number' }])),
            required: req.categories,
            additionalProperties: false,
          },
        },
        required: ['ratings'],
        additionalProperties: false,
      };
      const reply = await chat(tier, ratingMessages(req), jsonFormat('rating', schema, true), call);
      const model = tier.model;
      const ratings = parseRatingReply(reply.text, req.categories);
      if (!ratings)
        throw new ProviderError(
          `${where(tier)} gave no usable rating for ${req.categories.join(', ')}: ${reply.text.slice(0, 200)}`,
          'invalid_rating',
          true,
          { model, usage: reply.usage },
        );
      return { ratings, usage: reply.usage, model };
    },
  };
};

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
  const base = (t: Tier) => (t.baseUrl ?? defaultOpenAIBaseUrl).replace(/\/+$/, '');
  const allowed = new Set(trusted.filter((t) => t.apiKeyEnv).map((t) => `${t.apiKeyEnv} ${base(t)}`));
  return (tier) =>
    tier.apiKeyEnv && allowed.has(`${tier.apiKeyEnv} ${base(tier)}`) ? env[tier.apiKeyEnv] : undefined;
};
