import { backoffDelay } from '../../backoff.ts';
import { type CallOptions, ProviderError } from '../../executor/provider.ts';
import type { Json } from '../../signals.ts';
import type { Tier } from '../../tier.ts';
import { AttemptFailure, attempt, type ChatReply } from './http.ts';
import { baseOf, type OpenAIConfig } from './options.ts';
import { estimateTokens } from './replies.ts';

/** One chat call with retries: backoff on 408/409/429/5xx, network errors and timeouts. */
export const chat = async (
  cfg: OpenAIConfig,
  tier: Tier,
  messages: { role: string; content: string }[],
  responseFormat: Record<string, Json> | undefined,
  call: CallOptions,
): Promise<ChatReply> => {
  const extra = typeof cfg.options.body === 'function' ? cfg.options.body(tier) : cfg.options.body;
  const formatKey = `${baseOf(tier)} ${tier.model}`;
  const promptChars = messages.reduce((n, m) => n + m.content.length, 0);
  const delivered = { any: false };
  let format = cfg.mode === 'none' || cfg.noResponseFormat.has(formatKey) ? undefined : responseFormat;
  for (let retry = 0; ; ) {
    call.signal.throwIfAborted();
    const body: Record<string, Json> = {
      ...extra,
      model: tier.model,
      messages,
      stream: cfg.stream,
      ...(cfg.stream && { stream_options: { include_usage: true } }),
      ...(format && { response_format: format }),
    };
    try {
      const reply = await attempt(cfg, tier, body, call, delivered);
      // Servers that ignore `include_usage` (or send no usage): estimate the prompt side too.
      if (reply.usage.inputTokens === 0) reply.usage.inputTokens = estimateTokens(promptChars);
      return reply;
    } catch (err) {
      call.signal.throwIfAborted();
      if (!(err instanceof AttemptFailure)) throw err;
      const e = err.error;
      if (
        cfg.mode === 'auto' &&
        format &&
        e.code === 'bad_request' &&
        /response_format|json_schema|json_object/i.test(e.message)
      ) {
        cfg.noResponseFormat.add(formatKey);
        format = undefined;
        continue;
      }
      if (!err.retry || retry >= cfg.maxRetries) throw e;
      retry++;
      if (err.afterMs !== undefined && err.afterMs > cfg.maxRetryDelayMs)
        throw new ProviderError(
          `${e.message} (the server asked to retry after ${Math.ceil(err.afterMs / 1000)} s, longer than maxRetryDelayMs)`,
          e.code,
          true,
        );
      await call.sleep(
        err.afterMs ??
          backoffDelay(
            { backoffMs: cfg.retryBaseMs, factor: 2, maxBackoffMs: cfg.maxRetryDelayMs, jitter: 0.25 },
            retry,
            cfg.random,
          ),
      );
    }
  }
};

export const jsonFormat = (
  cfg: OpenAIConfig,
  name: string,
  schema: Record<string, Json>,
  strict: boolean,
): Record<string, Json> =>
  cfg.mode === 'json_object'
    ? { type: 'json_object' }
    : { type: 'json_schema', json_schema: { name, strict, schema } };
