import { type CallOptions, ProviderError, type TokenUsage } from '../../executor/provider.ts';
import { createSseParser } from '../../sse-parser.ts';
import { storableText } from '../../storable.ts';
import type { Tier } from '../../tier.ts';
import { AttemptFailure, type ChatReply, refused } from './http.ts';
import { type FetchResponseLike, where } from './options.ts';
import { ChunkSchema, estimateTokens, parseJson } from './replies.ts';

/** Reads a streamed chat completion (SSE) to its end, passing each piece of text to `onDelta`. */
export const readStream = async (
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
