import { z } from 'zod';
import type { Ratings } from '../../escalation.ts';
import type { Completion } from '../../executor/provider.ts';
import { storableText } from '../../storable.ts';

const EscalateSchema = z.object({
  reason: z.string().trim().min(1),
  humanRequired: z.boolean().nullish(),
});
type Escalate = NonNullable<Completion['escalate']>;

export const toEscalate = (value: unknown): Escalate | undefined => {
  const r = EscalateSchema.safeParse(value);
  if (!r.success) return undefined;
  return {
    reason: r.data.reason,
    ...(typeof r.data.humanRequired === 'boolean' && { humanRequired: r.data.humanRequired }),
  };
};

export const isObject = (v: unknown): v is Record<string, unknown> =>
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

export const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/** `{"escalate": {...}}` alone (no other keys) is the model asking to escalate. */
export const escalateOnly = (value: unknown): Escalate | undefined =>
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
export const ChunkSchema = z.object({
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
export const ReplySchema = z.object({
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
export const errorMessageOf = (text: string): string => {
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

export const estimateTokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));
