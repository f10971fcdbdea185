export {
  defaultOpenAIBaseUrl,
  type FetchLike,
  type FetchResponseLike,
  type OpenAIProviderOptions,
  type ResponseFormatMode,
  trustedApiKeys,
} from './options.ts';
export { completionMessages, escalationInstruction, ratingMessages } from './prompts.ts';
export { createOpenAIProvider } from './provider.ts';
export { parseRatingReply, stripThinking, unwrapReply } from './replies.ts';
