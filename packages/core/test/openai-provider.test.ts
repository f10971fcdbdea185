import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../src/backoff.ts';
import {
  apply,
  type CallOptions,
  type CompletionRequest,
  createOpenAIProvider,
  createRunView,
  defaultLadder,
  defaultOpenAIBaseUrl,
  type OpenAIProviderOptions,
  ProviderError,
  projectRun,
  type RatingRequest,
  realClock,
  type Signal,
  type SignalOf,
  sleep,
  startRun,
  summarizeIssues,
  type Tier,
  trustedApiKeys,
  validateDag,
} from '../src/index.ts';
import { retryAfterMs } from '../src/providers/openai/http.ts';
import { createSseParser } from '../src/sse-parser.ts';
import { runLog } from './builders.ts';
import {
  errorOf,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
  replyOf,
  startFakeOpenAI,
  streamOf,
} from './fake-openai-server.ts';

let server: FakeServer;
let respond: (req: FakeRequest, index: number) => FakeReply | Promise<FakeReply>;

beforeAll(async () => {
  server = await startFakeOpenAI((req, i) => respond(req, i));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  respond = () => streamOf(['Hello'], { prompt_tokens: 1, completion_tokens: 1 });
});

const tier = (over: Partial<Tier> = {}): Tier => ({
  name: 'small',
  provider: 'openai',
  model: 'small-model',
  costPer1kInput: 0.001,
  costPer1kOutput: 0.002,
  baseUrl: server.url,
  ...over,
});

const completion = (over: Partial<CompletionRequest> = {}): CompletionRequest => ({
  prompt: 'Say hello',
  format: 'text',
  tier: 0,
  tierSpec: tier(),
  nodeId: 'n',
  attempt: 1,
  ...over,
});

const rating = (over: Partial<RatingRequest> = {}): RatingRequest => ({
  prompt: 'Say hello',
  output: 'Hello',
  categories: ['correctness', 'completeness'],
  round: 1,
  tier: 0,
  tierSpec: tier(),
  nodeId: 'n',
  attempt: 1,
  ...over,
});

/** Call options whose `sleep` records the delay and returns at once (no real backoff in tests). */
const call = (over: Partial<CallOptions> = {}) => {
  const slept: number[] = [];
  const deltas: string[] = [];
  const options: CallOptions = {
    signal: new AbortController().signal,
    sleep: async (ms) => {
      slept.push(ms);
    },
    onDelta: (t) => deltas.push(t),
    ...over,
  };
  return { options, slept, deltas };
};

const provider = (over: OpenAIProviderOptions = {}) =>
  createOpenAIProvider({ apiKey: () => 'sk-test', random: () => 0.5, ...over });

const rejection = async (p: Promise<unknown>): Promise<ProviderError> => {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
};

const usage = (prompt_tokens: number, completion_tokens: number) => ({ prompt_tokens, completion_tokens });

describe('createOpenAIProvider: requests and streaming', () => {
  it('streams the reply as deltas, reads usage from the final chunk and sends a proper request', async () => {
    respond = () => streamOf(['Hel', 'lo, ', 'world'], usage(12, 3));
    const c = call();
    const p = provider({ headers: { 'x-extra': 'yes' }, body: { temperature: 0 } });
    const r = await p.complete(completion({ system: 'Be brief.' }), c.options);
    expect(r).toEqual({
      output: 'Hello, world',
      usage: { inputTokens: 12, outputTokens: 3 },
      model: 'small-model',
    });
    expect(c.deltas).toEqual(['Hel', 'lo, ', 'world']);

    const [req] = server.requests as [FakeRequest];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.headers['x-extra']).toBe('yes');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toMatchObject({
      model: 'small-model',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
    });
    expect(req.body.response_format).toBeUndefined();
    const [system, user] = req.body.messages;
    expect(system.role).toBe('system');
    expect(system.content).toMatch(/^Be brief\./);
    expect(system.content).toContain('{"escalate": {"reason"');
    expect(user).toEqual({ role: 'user', content: 'Say hello' });
  });

  it('sends no key for a tier without apiKeyEnv, and refuses a tier whose key is missing', async () => {
    const p = createOpenAIProvider();
    await p.complete(completion(), call().options);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();

    const err = await rejection(
      p.complete(completion({ tierSpec: tier({ apiKeyEnv: 'OPENAI_API_KEY' }) }), call().options),
    );
    expect(err.code).toBe('missing_api_key');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('OPENAI_API_KEY');
    expect(server.requests).toHaveLength(1);
  });

  it('asks the key resolver per tier', async () => {
    const apiKey = vi.fn((t: Tier) => (t.apiKeyEnv === 'K1' ? 'key-one' : undefined));
    await createOpenAIProvider({ apiKey }).complete(
      completion({ tierSpec: tier({ apiKeyEnv: 'K1' }) }),
      call().options,
    );
    expect(apiKey).toHaveBeenCalledWith(expect.objectContaining({ apiKeyEnv: 'K1' }));
    expect(server.requests[0]?.headers.authorization).toBe('Bearer key-one');
  });

  it('uses an injected fetch, and the OpenAI URL for a tier without baseUrl', async () => {
    const urls: string[] = [];
    const p = provider({
      fetch: (url, init) => {
        urls.push(url);
        return fetch(server.url + url.slice(defaultOpenAIBaseUrl.length), init);
      },
    });
    const r = await p.complete(completion({ tierSpec: tier({ baseUrl: undefined }) }), call().options);
    expect(r.output).toBe('Hello');
    expect(urls).toEqual(['https://api.openai.com/v1/chat/completions']);
  });

  it('reads a non-streamed reply when stream is off', async () => {
    respond = () => replyOf('All done', usage(7, 2));
    const c = call();
    const r = await provider({ stream: false }).complete(completion(), c.options);
    expect(r).toEqual({
      output: 'All done',
      usage: { inputTokens: 7, outputTokens: 2 },
      model: 'small-model',
    });
    expect(server.requests[0]?.body.stream).toBe(false);
    expect(server.requests[0]?.body.stream_options).toBeUndefined();
    expect(c.deltas).toEqual([]);
  });

  it('parses SSE split anywhere, with CRLF line ends and comments', async () => {
    const text = [
      ': keep-alive\r\n\r\n',
      `data: ${JSON.stringify({ choices: [{ delta: { content: 'a' } }] })}\r\n\r\n`,
      `data: ${JSON.stringify({ choices: [{ delta: { content: 'b' }, finish_reason: 'stop' }] })}\r\n\r\n`,
      `data: ${JSON.stringify({ choices: [], usage: usage(4, 2) })}\r\n\r\n`,
      'data: [DONE]\r\n\r\n',
    ].join('');
    // One byte-ish piece at a time, so lines and CRLFs are split across reads.
    respond = () => ({ kind: 'sse', events: text.match(/.{1,3}/gs) ?? [], raw: true });
    const r = await provider().complete(completion(), call().options);
    expect(r.output).toBe('ab');
    expect(r.usage).toEqual({ inputTokens: 4, outputTokens: 2 });
  });

  it('estimates usage when the server sends none', async () => {
    respond = () => streamOf(['12345678']);
    const r = await provider().complete(completion({ prompt: 'x'.repeat(400) }), call().options);
    expect(r.usage.outputTokens).toBe(2);
    expect(r.usage.inputTokens).toBeGreaterThanOrEqual(100);
  });

  it('drops a leading <think> block from a reasoning model', async () => {
    respond = () => streamOf(['<think>hmm</think>\n', 'Answer'], usage(1, 1));
    expect((await provider().complete(completion(), call().options)).output).toBe('Answer');
  });

  it('passes the escalation and gate feedback to the model', async () => {
    await provider().complete(
      completion({
        escalation: { reason: 'confidence 0.40 below target', fromTier: 0, ratings: { correctness: 0.4 } },
        feedback: { ratings: { correctness: 0.5 }, overall: 0.5, target: 0.9, round: 1 },
      }),
      call().options,
    );
    const user = server.requests[0]?.body.messages.at(-1).content as string;
    expect(user).toContain('escalated to you from a lower tier (tier 0): confidence 0.40 below target');
    expect(user).toContain('correctness 0.40');
    expect(user).toContain('rated correctness 0.50 (overall 0.50, target 0.9)');
  });
});

describe('createOpenAIProvider: JSON output', () => {
  it('asks for json_schema with the answer envelope and unwraps the answer', async () => {
    respond = () => streamOf(['{"answer": {"title": ', '"Hi"}, "escalate": null}'], usage(5, 5));
    const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };
    const r = await provider().complete(completion({ format: 'json', schema }), call().options);
    expect(r.output).toEqual({ title: 'Hi' });
    const body = server.requests[0]?.body;
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.name).toBe('answer');
    expect(body.response_format.json_schema.schema.properties.answer).toEqual(schema);
    expect(body.messages[0].content).toContain(JSON.stringify(schema));
  });

  it('reads a note that goes with the answer in the envelope', async () => {
    respond = () =>
      streamOf(
        ['{"answer": {"title": "Hi"}, "escalate": null, "note": " figures are from 2019 "}'],
        usage(5, 5),
      );
    const schema = { type: 'object', properties: { title: { type: 'string' } } };
    const r = await provider().complete(completion({ format: 'json', schema }), call().options);
    expect(r).toMatchObject({ output: { title: 'Hi' }, note: { reason: 'figures are from 2019' } });
    expect(server.requests[0]?.body.response_format.json_schema.schema.properties.note).toBeDefined();
    expect(server.requests[0]?.body.messages[0].content).toContain('"note"');
    respond = () => streamOf(['{"answer": 1, "escalate": null, "note": null}'], usage(5, 5));
    expect(
      await provider().complete(completion({ format: 'json', schema }), call().options),
    ).not.toHaveProperty('note');
  });

  it('takes an answer that skipped the envelope as it is', async () => {
    respond = () => streamOf(['{"title": "Hi"}'], usage(5, 5));
    const schema = { type: 'object', properties: { title: { type: 'string' } } };
    const r = await provider().complete(completion({ format: 'json', schema }), call().options);
    expect(r.output).toEqual({ title: 'Hi' });
  });

  it('asks for json_object without a schema, and reads JSON inside a code fence', async () => {
    respond = () => streamOf(['```json\n[1, 2', ', 3]\n```'], usage(5, 5));
    const r = await provider().complete(completion({ format: 'json' }), call().options);
    expect(r.output).toEqual([1, 2, 3]);
    expect(server.requests[0]?.body.response_format).toEqual({ type: 'json_object' });
  });

  it('fails an unparseable JSON answer with invalid_output, keeping the usage spent', async () => {
    respond = () => streamOf(['{"title": '], usage(9, 4), 'length');
    const err = await rejection(provider().complete(completion({ format: 'json' }), call().options));
    expect(err.code).toBe('invalid_output');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('cut off at the token limit');
    expect(err.spent).toEqual({ model: 'small-model', usage: { inputTokens: 9, outputTokens: 4 } });
  });

  it('asks again without response_format when the server rejects it, and remembers', async () => {
    respond = (req) =>
      req.body.response_format
        ? errorOf(400, "'response_format.type' must be 'json_schema' or 'text'")
        : streamOf(['{"ok": true}'], usage(1, 1));
    const p = provider();
    expect((await p.complete(completion({ format: 'json' }), call().options)).output).toEqual({ ok: true });
    expect((await p.complete(completion({ format: 'json' }), call().options)).output).toEqual({ ok: true });
    expect(server.requests.map((r) => r.body.response_format?.type ?? null)).toEqual([
      'json_object',
      null,
      null,
    ]);
  });

  it('honours responseFormat: none', async () => {
    respond = () => streamOf(['{"ok": 1}'], usage(1, 1));
    await provider({ responseFormat: 'none' }).complete(completion({ format: 'json' }), call().options);
    expect(server.requests[0]?.body.response_format).toBeUndefined();
  });
});

describe('createOpenAIProvider: out-of-depth escalation', () => {
  it('turns a {"escalate": …} text reply into Completion.escalate', async () => {
    respond = () =>
      streamOf(['{"escalate": {"reason": "needs a lawyer", ', '"humanRequired": true}}'], usage(20, 12));
    const r = await provider().complete(completion(), call().options);
    expect(r).toEqual({
      output: null,
      usage: { inputTokens: 20, outputTokens: 12 },
      model: 'small-model',
      escalate: { reason: 'needs a lawyer', humanRequired: true },
    });
  });

  it('reads the escalation from the JSON envelope and from a bare JSON object', async () => {
    const schema = { type: 'object' };
    respond = () => streamOf(['{"answer": null, "escalate": {"reason": "no data"}}'], usage(1, 1));
    expect(
      (await provider().complete(completion({ format: 'json', schema }), call().options)).escalate,
    ).toEqual({
      reason: 'no data',
    });
    respond = () => streamOf(['{"escalate": {"reason": "too hard", "humanRequired": false}}'], usage(1, 1));
    expect((await provider().complete(completion({ format: 'json' }), call().options)).escalate).toEqual({
      reason: 'too hard',
      humanRequired: false,
    });
  });

  it('treats text that merely mentions escalate as an answer, and an empty envelope as invalid', async () => {
    respond = () => streamOf(['I will not {"escalate": {"reason": "x"}}'], usage(1, 1));
    expect((await provider().complete(completion(), call().options)).escalate).toBeUndefined();
    respond = () => streamOf(['{"answer": null, "escalate": null}'], usage(1, 1));
    const err = await rejection(
      provider().complete(completion({ format: 'json', schema: { type: 'object' } }), call().options),
    );
    expect(err.code).toBe('invalid_output');
  });

  it('does not mention or detect escalation when it is turned off', async () => {
    respond = () => streamOf(['{"escalate": {"reason": "too hard"}}'], usage(1, 1));
    const r = await provider({ escalation: false }).complete(completion(), call().options);
    expect(r.escalate).toBeUndefined();
    expect(r.output).toBe('{"escalate": {"reason": "too hard"}}');
    expect(server.requests[0]?.body.messages).toHaveLength(1);
  });
});

describe('createOpenAIProvider: retries and errors', () => {
  it('retries a 429 after Retry-After (seconds)', async () => {
    respond = (_r, i) =>
      i === 0 ? errorOf(429, 'Rate limit reached', { 'retry-after': '2' }) : streamOf(['ok'], usage(1, 1));
    const c = call();
    const r = await provider().complete(completion(), c.options);
    expect(r.output).toBe('ok');
    expect(c.slept).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('prefers retry-after-ms', async () => {
    respond = (_r, i) =>
      i === 0
        ? errorOf(429, 'slow down', { 'retry-after': '2', 'retry-after-ms': '150' })
        : streamOf(['ok'], usage(1, 1));
    const c = call();
    await provider().complete(completion(), c.options);
    expect(c.slept).toEqual([150]);
  });

  it('gives up on a Retry-After longer than maxRetryDelayMs without waiting', async () => {
    respond = () => errorOf(429, 'quota', { 'retry-after': '3600' });
    const c = call();
    const err = await rejection(provider().complete(completion(), c.options));
    expect(err.code).toBe('rate_limited');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('retry after 3600 s');
    expect(c.slept).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('retries 5xx with exponential backoff, then fails with server_error', async () => {
    respond = () => errorOf(500, 'internal');
    const c = call();
    const err = await rejection(
      provider({ maxRetries: 3, retryBaseMs: 100 }).complete(completion(), c.options),
    );
    expect(err.code).toBe('server_error');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('HTTP 500');
    expect(err.message).toContain('internal');
    expect(c.slept).toEqual([100, 200, 400]);
    expect(server.requests).toHaveLength(4);
  });

  it('recovers when a 503 is followed by success', async () => {
    respond = (_r, i) => (i < 2 ? errorOf(503, 'overloaded') : streamOf(['fine'], usage(1, 1)));
    const c = call();
    expect((await provider().complete(completion(), c.options)).output).toBe('fine');
    expect(c.slept).toHaveLength(2);
  });

  it('fails a 4xx at once with a clear, non-retryable error that never shows the key', async () => {
    respond = () => errorOf(401, 'Incorrect API key provided: sk-te***');
    const err = await rejection(
      provider({ apiKey: () => 'sk-secret-123' }).complete(
        completion({ tierSpec: tier({ apiKeyEnv: 'OPENAI_API_KEY' }) }),
        call().options,
      ),
    );
    expect(err.code).toBe('unauthorized');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('tier "small" (model small-model at');
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('Incorrect API key provided');
    expect(err.message).toContain('OPENAI_API_KEY');
    expect(err.message).not.toContain('sk-secret-123');
    expect(server.requests).toHaveLength(1);
  });

  it('explains a 404 (wrong model or URL), with Ollama-style and plain error bodies', async () => {
    respond = () => ({
      kind: 'json',
      status: 404,
      body: { error: 'model "llama9" not found, try pulling it first' },
    });
    const err = await rejection(provider().complete(completion(), call().options));
    expect(err.code).toBe('not_found');
    expect(err.message).toContain('model "llama9" not found');
    expect(err.message).toContain("check the tier's baseUrl and model");
    // A body that is not a JSON error is described, never quoted: it may carry anything.
    respond = () => ({ kind: 'raw', status: 422, body: 'unprocessable secret=sk-live-123' });
    const e2 = await rejection(provider().complete(completion(), call().options));
    expect(e2.code).toBe('bad_request');
    expect(e2.message).toContain('HTTP 422');
    expect(e2.message).toContain('32-character body that is not a JSON error');
    expect(e2.message).not.toContain('sk-live-123');
    // A JSON error's message is kept, with what a store cannot hold replaced.
    respond = () => ({ kind: 'json', status: 400, body: { error: { message: 'bad\u0000input' } } });
    const e3 = await rejection(provider().complete(completion(), call().options));
    expect(e3.message).toContain('bad\ufffdinput');
  });

  it('fails on a malformed stream chunk or body with invalid_response', async () => {
    respond = () => ({ kind: 'sse', events: ['{"choices": [{"delta": {"content": "a"}}]}', '{not json'] });
    const err = await rejection(provider().complete(completion(), call().options));
    expect(err.code).toBe('invalid_response');
    expect(err.message).toContain('malformed stream chunk (9 characters)');
    expect(err.message).not.toContain('{not json');
    respond = () => ({ kind: 'raw', body: '<html>proxy error: token=abc</html>' });
    const e2 = await rejection(provider({ stream: false }).complete(completion(), call().options));
    expect(e2.code).toBe('invalid_response');
    expect(e2.message).toContain('malformed reply (not JSON');
    expect(e2.message).not.toContain('token=abc');
  });

  it('reports an error sent inside the stream', async () => {
    respond = () => ({ kind: 'sse', events: [JSON.stringify({ error: { message: 'model crashed' } })] });
    const err = await rejection(provider({ maxRetries: 0 }).complete(completion(), call().options));
    expect(err.code).toBe('server_error');
    expect(err.message).toContain('model crashed');
  });

  it('retries a network error, then fails with network_error', async () => {
    const c = call();
    const err = await rejection(
      provider({ maxRetries: 1 }).complete(
        completion({ tierSpec: tier({ baseUrl: 'http://127.0.0.1:1/v1' }) }),
        c.options,
      ),
    );
    expect(err.code).toBe('network_error');
    expect(c.slept).toHaveLength(1);
  });
});

describe('createOpenAIProvider: timeouts and cancellation', () => {
  it('times out a reply that never comes, retries, and closes each connection', async () => {
    respond = () => ({ kind: 'slow', delayMs: Number.POSITIVE_INFINITY, reply: replyOf('late') });
    const aborted = server.aborted;
    const c = call();
    const started = Date.now();
    const err = await rejection(
      provider({ timeoutMs: 100, maxRetries: 1 }).complete(completion(), c.options),
    );
    expect(err.code).toBe('timeout');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('no reply for 100 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    // The fake server may log a request after the client gave up on it (a loaded machine): wait for both.
    await vi.waitFor(() => expect(server.requests).toHaveLength(2));
    await vi.waitFor(() => expect(server.aborted - aborted).toBe(2));
  });

  it('times out a stream that stalls, without retrying once output was streamed', async () => {
    respond = () => ({ kind: 'sse', events: ['{"choices": [{"delta": {"content": "par"}}]}'], hang: true });
    const c = call();
    const err = await rejection(provider({ timeoutMs: 100 }).complete(completion(), c.options));
    expect(err.code).toBe('timeout');
    expect(c.deltas).toEqual(['par']);
    expect(server.requests).toHaveLength(1);
  });

  it('does not time out a slow but steady stream', async () => {
    respond = () => ({ ...streamOf(['a', 'b', 'c', 'd'], usage(1, 4)), gapMs: 60 }) as FakeReply;
    // The whole stream takes longer than the timeout; no single gap does (with room for a loaded machine).
    const r = await provider({ timeoutMs: 200 }).complete(completion(), call().options);
    expect(r.output).toBe('abcd');
  });

  it('cancels a slow reply when the signal aborts: rejects with the reason and closes the connection', async () => {
    respond = () => ({ kind: 'slow', delayMs: 5_000, reply: replyOf('late') });
    const aborted = server.aborted;
    const controller = new AbortController();
    const c = call({ signal: controller.signal });
    const p = provider().complete(completion(), c.options);
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    const reason = new ProviderError('run cancelled', 'cancelled', false);
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
    await vi.waitFor(() => expect(server.aborted - aborted).toBe(1));
    expect(server.requests).toHaveLength(1);
  });

  it('cancels mid-stream', async () => {
    respond = () => ({ kind: 'sse', events: ['{"choices": [{"delta": {"content": "x"}}]}'], hang: true });
    const controller = new AbortController();
    const c = call({ signal: controller.signal, onDelta: () => controller.abort('stop') });
    await expect(provider().complete(completion(), c.options)).rejects.toBe('stop');
  });

  it('cancels during the backoff wait', async () => {
    respond = () => errorOf(500, 'down');
    const controller = new AbortController();
    const c = call({
      signal: controller.signal,
      sleep: (ms) => sleep(realClock, ms, controller.signal),
    });
    const p = provider({ retryBaseMs: 10_000 }).complete(completion(), c.options);
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort('cancelled');
    await expect(p).rejects.toBe('cancelled');
    expect(server.requests).toHaveLength(1);
  });

  it('does not call the server when already aborted', async () => {
    await expect(
      provider().complete(completion(), call({ signal: AbortSignal.abort('early') }).options),
    ).rejects.toBe('early');
    expect(server.requests).toHaveLength(0);
  });
});

describe('createOpenAIProvider: self-rating', () => {
  it('asks for a strict JSON rating per category and validates it', async () => {
    respond = () => streamOf(['{"ratings": {"correctness": 0.9, "completeness": 0.75}}'], usage(30, 9));
    const r = await provider().rate(rating(), call().options);
    expect(r).toEqual({
      ratings: { correctness: 0.9, completeness: 0.75 },
      usage: { inputTokens: 30, outputTokens: 9 },
      model: 'small-model',
    });
    const body = server.requests[0]?.body;
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: {
        name: 'rating',
        strict: true,
        schema: {
          properties: { ratings: { required: ['correctness', 'completeness'], additionalProperties: false } },
        },
      },
    });
    expect(body.messages[0].content).toContain('strict reviewer');
    expect(body.messages[1].content).toBe('Task:\nSay hello\n\nAnswer:\nHello');
  });

  it('accepts flat ratings and ignores categories it was not asked for', async () => {
    respond = () => streamOf(['{"correctness": 1, "completeness": 0, "style": 0.2}'], usage(1, 1));
    expect((await provider().rate(rating(), call().options)).ratings).toEqual({
      correctness: 1,
      completeness: 0,
    });
  });

  it.each([
    ['not JSON', 'I think it is fine'],
    ['a missing category', '{"ratings": {"correctness": 0.9}}'],
    ['a score above 1', '{"ratings": {"correctness": 9, "completeness": 8}}'],
    ['a score that is not a number', '{"ratings": {"correctness": "high", "completeness": 0.5}}'],
  ])('throws invalid_rating on %s, keeping the usage spent', async (_what, text) => {
    respond = () => streamOf([text], usage(11, 5));
    const err = await rejection(provider().rate(rating(), call().options));
    expect(err.code).toBe('invalid_rating');
    expect(err.spent).toEqual({ model: 'small-model', usage: { inputTokens: 11, outputTokens: 5 } });
  });
});

describe('trustedApiKeys', () => {
  const env = { OPENAI_API_KEY: 'sk-1', DATABASE_URL: 'postgres://secret' };

  it('resolves the key of a configured tier at its configured endpoint only', () => {
    const keys = trustedApiKeys(
      [tier({ name: 'big', apiKeyEnv: 'OPENAI_API_KEY', baseUrl: undefined })],
      env,
    );
    expect(keys(tier({ apiKeyEnv: 'OPENAI_API_KEY', baseUrl: undefined }))).toBe('sk-1');
    expect(keys(tier({ apiKeyEnv: 'OPENAI_API_KEY', baseUrl: 'https://api.openai.com/v1/' }))).toBe('sk-1');
    expect(keys(tier({ apiKeyEnv: 'OPENAI_API_KEY', baseUrl: 'https://evil.example/v1' }))).toBeUndefined();
    expect(keys(tier({ apiKeyEnv: 'DATABASE_URL', baseUrl: undefined }))).toBeUndefined();
    expect(keys(tier())).toBeUndefined();
  });
});

describe('helpers', () => {
  it('createSseParser: multi-line data, named events, CR, and an unterminated last event', () => {
    const p = createSseParser();
    expect(p.push('data: a\ndata: b\n')).toEqual([]);
    expect(p.push('\nevent: error\rdata: x\r')).toEqual([{ event: 'message', data: 'a\nb' }]);
    expect(p.push('\n\r\ndata:no-space\n\nid: 1\nretry: 5\n')).toEqual([
      { event: 'error', data: 'x' },
      { event: 'message', data: 'no-space' },
    ]);
    expect(p.push('data: tail')).toEqual([]);
    expect(p.end()).toEqual([{ event: 'message', data: 'tail' }]);
  });

  it('retryAfterMs reads ms, seconds and HTTP dates', () => {
    const h = (o: Record<string, string>) => ({ get: (n: string) => o[n] ?? null });
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(h({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMs(h({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(h({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(h({}), now)).toBeUndefined();
  });

  it('the provider backoff doubles, caps and jitters ±25%', () => {
    const p = { backoffMs: 100, factor: 2, maxBackoffMs: 500, jitter: 0.25 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(p, n, () => 0.5))).toEqual([100, 200, 400, 500]);
    expect(backoffDelay(p, 1, () => 0)).toBe(75);
    expect(backoffDelay(p, 1, () => 1)).toBe(125);
  });
});

describe('projection: topTierCostUsd and savingUsd', () => {
  it('prices usage at the top model tier (skipping the human rung), leaving out escalation children', () => {
    const log = runLog();
    const [, , large] = defaultLadder as [Tier, Tier, Tier];
    const at = (t: Tier, i: number, o: number) =>
      (i / 1000) * t.costPer1kInput + (o / 1000) * t.costPer1kOutput;
    const small = defaultLadder[0] as Tier;
    const signals: Signal[] = [
      log.run('run.started', { ladder: defaultLadder }),
      log.node('node.queued', 'a', { tier: 0 }),
      log.node('node.started', 'a', { tier: 0, model: 'sim-small' }),
      log.node('usage', 'a', {
        tier: 0,
        model: 'sim-small',
        inputTokens: 1000,
        outputTokens: 500,
        costUsd: at(small, 1000, 500),
      }),
      log.node('node.queued', 'a~1', { tier: 2, parentId: 'a', spawnReason: 'escalation' }),
      log.node('usage', 'a~1', {
        tier: 2,
        model: 'sim-large',
        inputTokens: 1200,
        outputTokens: 400,
        costUsd: at(large, 1200, 400),
      }),
      log.node('node.queued', 'b', { tier: 0, parentId: 'a', spawnReason: 'spawn' }),
      log.node('usage', 'b', {
        tier: 0,
        model: 'sim-small',
        inputTokens: 10,
        outputTokens: 10,
        costUsd: at(small, 10, 10),
      }),
    ];
    const view = projectRun(signals);
    expect(view.topTierCostUsd).toBe(at(large, 1000, 500) + at(large, 10, 10));
    expect(view.savingUsd).toBe(view.topTierCostUsd - view.usage.costUsd);
    // Incremental equals batch on every prefix.
    const live = createRunView();
    signals.forEach((s, i) => {
      apply(live, s);
      const batch = projectRun(signals.slice(0, i + 1));
      expect([live.topTierCostUsd, live.savingUsd]).toEqual([batch.topTierCostUsd, batch.savingUsd]);
    });
  });

  it('without a model tier in the ladder, a call costs what it cost (no saving)', () => {
    const log = runLog();
    const view = projectRun([
      log.node('usage', 'a', { tier: 0, model: 'm', inputTokens: 5, outputTokens: 5, costUsd: 0.25 }),
    ]);
    expect([view.topTierCostUsd, view.savingUsd]).toEqual([0.25, 0]);
  });
});

// ---- end to end: startRun against the fake server ---------------------------------------------

describe('end to end: a run on two openai tiers', () => {
  const prices = {
    small: { costPer1kInput: 0.5, costPer1kOutput: 1.5 },
    big: { costPer1kInput: 10, costPer1kOutput: 30 },
  };
  const ladder = (): Tier[] => [
    {
      name: 'small',
      provider: 'openai',
      model: 'small-model',
      baseUrl: server.url,
      apiKeyEnv: 'FAKE_KEY',
      ...prices.small,
    },
    {
      name: 'big',
      provider: 'openai',
      model: 'big-model',
      baseUrl: server.url,
      apiKeyEnv: 'FAKE_KEY',
      ...prices.big,
    },
  ];
  const cost = (t: keyof typeof prices, inTok: number, outTok: number) =>
    (inTok / 1000) * prices[t].costPer1kInput + (outTok / 1000) * prices[t].costPer1kOutput;

  const isRating = (req: FakeRequest) => req.body.response_format?.json_schema?.name === 'rating';

  const dagOf = (node: Record<string, unknown>) => {
    const v = validateDag({
      id: 'real',
      nodes: [{ id: 'answer', kind: 'llm', prompt: 'What is 6 x 7?', ...node }],
    });
    if (!v.ok) throw new Error(summarizeIssues(v.issues));
    return v.value;
  };

  const run = async (node: Record<string, unknown>) => {
    const keys = trustedApiKeys(ladder(), { FAKE_KEY: 'sk-fake' });
    const handle = startRun(dagOf(node), {
      ladder: ladder(),
      providers: { openai: createOpenAIProvider({ apiKey: keys, random: () => 0.5 }) },
    });
    const result = await handle.result;
    const signals = [...handle.signals];
    const of = <T extends Signal['type']>(type: T) =>
      signals.filter((s): s is SignalOf<T> => s.type === type);
    return { handle, result, signals, of };
  };

  it('tier 0 rates itself below target, escalates to tier 1, which passes; costs and saving add up', async () => {
    respond = (req) => {
      const big = req.body.model === 'big-model';
      if (isRating(req))
        return streamOf(
          [
            JSON.stringify({
              ratings: big
                ? { correctness: 0.97, completeness: 0.96 }
                : { correctness: 0.4, completeness: 0.8 },
            }),
          ],
          usage(50, 10),
        );
      return streamOf(big ? ['The answer ', 'is 42.'] : ['Maybe ', '40?'], usage(100, 20));
    };
    const { result, signals, of, handle } = await run({
      gate: { target: 0.9, maxTries: 1, categories: ['correctness', 'completeness'] },
    });

    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ answer: 'The answer is 42.' });
    for (const r of server.requests) expect(r.headers.authorization).toBe('Bearer sk-fake');

    // The gate at tier 0: rated, below target, escalated.
    const rated = of('confidence.rated');
    expect(rated.map((s) => [s.nodeId, s.ratings, s.overall, s.passed])).toEqual([
      ['answer', { correctness: 0.4, completeness: 0.8 }, 0.4, false],
      [expect.any(String), { correctness: 0.97, completeness: 0.96 }, 0.96, true],
    ]);
    expect(of('confidence.escalated')).toMatchObject([
      { nodeId: 'answer', overall: 0.4, target: 0.9, rounds: 1 },
    ]);
    const [escalated] = of('node.escalated');
    expect(escalated).toMatchObject({
      nodeId: 'answer',
      route: 'higher_tier',
      fromTier: 0,
      toTier: 1,
      request: { trigger: 'low_confidence', confidence: 0.4 },
    });
    const childId = escalated?.childId as string;
    expect(rated[1]?.nodeId).toBe(childId);
    expect(of('node.queued').find((s) => s.nodeId === childId)).toMatchObject({
      tier: 1,
      parentId: 'answer',
      spawnReason: 'escalation',
    });
    expect(of('confidence.passed')).toMatchObject([{ nodeId: childId, overall: 0.96 }]);
    expect(of('node.succeeded')).toMatchObject([{ nodeId: childId, output: 'The answer is 42.' }]);

    // The child got the escalation as context.
    const childCall = server.requests.find((r) => r.body.model === 'big-model' && !isRating(r));
    expect(childCall?.body.messages.at(-1).content).toContain('escalated to you from a lower tier (tier 0)');

    // Streamed output reached the signal log.
    expect(of('node.output_delta').map((s) => [s.nodeId, s.text])).toEqual([
      ['answer', 'Maybe '],
      ['answer', '40?'],
      [childId, 'The answer '],
      [childId, 'is 42.'],
    ]);

    // Usage: one completion and one rating per tier, priced by the tier.
    expect(
      of('usage').map((s) => [s.nodeId, s.tier, s.model, s.inputTokens, s.outputTokens, s.costUsd]),
    ).toEqual([
      ['answer', 0, 'small-model', 100, 20, cost('small', 100, 20)],
      ['answer', 0, 'small-model', 50, 10, cost('small', 50, 10)],
      [childId, 1, 'big-model', 100, 20, cost('big', 100, 20)],
      [childId, 1, 'big-model', 50, 10, cost('big', 50, 10)],
    ]);

    // The projection: cost by tier, total, and the saving against running everything on `big`.
    const view = handle.view;
    const small = cost('small', 100, 20) + cost('small', 50, 10);
    const big = cost('big', 100, 20) + cost('big', 50, 10);
    expect(view.usageByTier.get(0)).toEqual({ inputTokens: 150, outputTokens: 30, costUsd: small, calls: 2 });
    expect(view.usageByTier.get(1)).toEqual({ inputTokens: 150, outputTokens: 30, costUsd: big, calls: 2 });
    expect(view.usage.costUsd).toBeCloseTo(small + big, 12);
    // On `big` alone the run would have made the root's two calls at big's prices; the child's calls
    // are the price of escalating, so here starting cheap cost more: the saving is negative.
    expect(view.topTierCostUsd).toBeCloseTo(big, 12);
    expect(view.savingUsd).toBeCloseTo(big - (small + big), 12);
    expect(view.savingUsd).toBeLessThan(0);

    // Incremental equals batch.
    const batch = createRunView();
    for (const s of signals) apply(batch, s);
    expect(batch.topTierCostUsd).toBe(view.topTierCostUsd);
    expect(batch.savingUsd).toBe(view.savingUsd);
  });

  it('a tier-0 model that says it is out of its depth escalates with trigger out_of_depth', async () => {
    respond = (req) =>
      req.body.model === 'big-model'
        ? streamOf(['42'], usage(80, 2))
        : streamOf(['{"escalate": {"reason": "I cannot multiply"}}'], usage(80, 12));
    const { result, of, handle } = await run({});
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ answer: '42' });
    expect(of('escalation.requested')).toMatchObject([
      {
        nodeId: 'answer',
        request: { trigger: 'out_of_depth', reason: 'I cannot multiply', fromTier: 0, urgency: 'blocked' },
      },
    ]);
    expect(of('node.escalated')).toMatchObject([{ nodeId: 'answer', route: 'higher_tier', toTier: 1 }]);
    expect(of('usage').map((s) => s.costUsd)).toEqual([cost('small', 80, 12), cost('big', 80, 2)]);
    expect(handle.view.topTierCostUsd).toBeCloseTo(cost('big', 80, 12), 12);
    expect(handle.view.savingUsd).toBeCloseTo(
      cost('big', 80, 12) - cost('small', 80, 12) - cost('big', 80, 2),
      12,
    );
  });

  it('an unparseable rating is a failed round (rated 0), and its tokens are still billed', async () => {
    respond = (req) => {
      if (isRating(req))
        return streamOf(
          [req.body.model === 'big-model' ? '{"ratings": {"correctness": 1}}' : 'great job!'],
          usage(40, 4),
        );
      return streamOf(['fine'], usage(10, 2));
    };
    const { result, of } = await run({ gate: { target: 0.9, maxTries: 1, categories: ['correctness'] } });
    expect(result.status).toBe('succeeded');
    expect(of('confidence.rated').map((s) => [s.overall, s.passed])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(
      of('usage')
        .filter((s) => s.tier === 0)
        .map((s) => [s.inputTokens, s.outputTokens]),
    ).toEqual([
      [10, 2],
      [40, 4],
    ]);
  });

  it('a 401 fails the node with a clear error; cancelling a run aborts the request', async () => {
    respond = () => errorOf(401, 'bad key');
    const failed = await run({});
    expect(failed.result.status).toBe('failed');
    expect(failed.of('node.failed')).toMatchObject([
      { nodeId: 'answer', willRetry: false, error: { code: 'unauthorized' } },
    ]);

    respond = () => ({ kind: 'slow', delayMs: 10_000, reply: replyOf('late') });
    const aborted = server.aborted;
    const handle = startRun(dagOf({}), {
      ladder: ladder(),
      providers: { openai: createOpenAIProvider({ apiKey: trustedApiKeys(ladder(), { FAKE_KEY: 'k' }) }) },
    });
    await vi.waitFor(() => expect(server.requests.length).toBeGreaterThan(1));
    handle.cancel('user');
    const r = await handle.result;
    expect(r.status).toBe('cancelled');
    await vi.waitFor(() => expect(server.aborted - aborted).toBe(1));
  });
});
