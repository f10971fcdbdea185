import { type CallOptions, ProviderError, type TokenUsage } from '../../executor/provider.ts';
import type { Json } from '../../signals.ts';
import { storableText } from '../../storable.ts';
import type { Tier } from '../../tier.ts';
import { baseOf, type FetchResponseLike, type OpenAIConfig, where } from './options.ts';
import { errorMessageOf, estimateTokens, parseJson, ReplySchema } from './replies.ts';
import { readStream } from './stream.ts';

/** Statuses worth trying again: request timeout, conflict, rate limit and server errors. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 409 || status === 429 || status >= 500;

/**
 * How long the server asked us to wait, in ms: `retry-after-ms` (OpenAI), else `Retry-After` as
 * seconds or as an HTTP date. `undefined` when absent or unreadable.
 */
export const retryAfterMs = (
  headers: { get(name: string): string | null },
  now: number = Date.now(),
): number | undefined => {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms) {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const after = headers.get('retry-after')?.trim();
  if (!after) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

export interface ChatReply {
  text: string;
  usage: TokenUsage;
  finishReason?: string;
}

/** A failure of one HTTP attempt, and whether the call may try again (after `afterMs`, if given). */
export class AttemptFailure extends Error {
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

const headersFor = (cfg: OpenAIConfig, tier: Tier): Record<string, string> => {
  const extra = typeof cfg.options.headers === 'function' ? cfg.options.headers(tier) : cfg.options.headers;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: cfg.stream ? 'text/event-stream' : 'application/json',
    ...extra,
  };
  const key = cfg.options.apiKey?.(tier);
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
export const attempt = async (
  cfg: OpenAIConfig,
  tier: Tier,
  body: Record<string, Json>,
  call: CallOptions,
  delivered: { any: boolean },
): Promise<ChatReply> => {
  const url = `${baseOf(tier)}/chat/completions`;
  const headers = headersFor(cfg, tier);
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
    }, cfg.timeoutMs);
  };
  const failure = (err: unknown, what: string): AttemptFailure => {
    if (err instanceof AttemptFailure) return err;
    if (timedOut)
      return new AttemptFailure(
        new ProviderError(`${where(tier)}: no reply for ${cfg.timeoutMs} ms (${what})`, 'timeout'),
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
      res = await cfg.doFetch(url, {
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
    const reply = cfg.stream
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

export const refused = (tier: Tier, why: string): AttemptFailure =>
  new AttemptFailure(new ProviderError(`${where(tier)} refused: ${why}`, 'refused', false), false);
