import { type Provider, ProviderError, type Rating } from '../../executor/provider.ts';
import type { Json } from '../../signals.ts';
import { storableText } from '../../storable.ts';
import { chat, jsonFormat } from './chat.ts';
import { configOf, type OpenAIProviderOptions, where } from './options.ts';
import { completionMessages, ratingMessages } from './prompts.ts';
import {
  escalateOnly,
  isObject,
  parseJson,
  parseRatingReply,
  stripThinking,
  toEscalate,
  unwrapReply,
} from './replies.ts';

/**
 * A provider for any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, LM Studio),
 * using `fetch` only, so it runs in browsers and in Node. Each tier gives `baseUrl` (default
 * {@link defaultOpenAIBaseUrl}), `model` and optionally `apiKeyEnv`, resolved by `options.apiKey`.
 * See docs/adr/0007-openai-provider.md for how escalation and self-rating are asked of the model.
 */
export const createOpenAIProvider = (options: OpenAIProviderOptions = {}): Provider => {
  const cfg = configOf(options);
  return {
    async complete(req, call) {
      const tier = req.tierSpec;
      const envelope = req.format === 'json' && req.schema !== undefined;
      const responseFormat =
        req.format !== 'json'
          ? undefined
          : envelope
            ? jsonFormat(
                cfg,
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
                    note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
                  },
                },
                false,
              )
            : { type: 'json_object' };
      const reply = await chat(cfg, tier, completionMessages(req, cfg.escalation), responseFormat, call);
      const { usage } = reply;
      const model = tier.model;
      const unwrapped = unwrapReply(reply.text);
      const json = parseJson(unwrapped);
      if (req.format !== 'json') {
        const escalate = cfg.escalation && json.ok ? escalateOnly(json.value) : undefined;
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
      const value = json.value;
      const escalate = cfg.escalation ? escalateOnly(value) : undefined;
      if (escalate) return { output: null, usage, model, escalate };
      if (envelope && isObject(value) && ('answer' in value || 'escalate' in value)) {
        if (Object.keys(value).every((k) => k === 'answer' || k === 'escalate' || k === 'note')) {
          const esc = cfg.escalation ? toEscalate(value.escalate) : undefined;
          if (esc) return { output: null, usage, model, escalate: esc };
          if (value.answer === undefined || value.answer === null)
            throw invalid('replied with neither an answer nor an escalation');
          // A note goes with the answer: recorded as an fyi request, routed nowhere.
          const note = typeof value.note === 'string' ? storableText(value.note.trim()) : '';
          const answer = value.answer as Json;
          return { output: answer, usage, model, ...(note && { note: { reason: note } }) };
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
      const reply = await chat(cfg, tier, ratingMessages(req), jsonFormat(cfg, 'rating', schema, true), call);
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
