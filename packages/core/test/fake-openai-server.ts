/**
 * A local HTTP server that speaks enough of the OpenAI chat-completions protocol to test the real
 * provider against: JSON replies, SSE streams (`data: {...}\n\n` … `data: [DONE]`) with usage in the
 * final chunk, error statuses with headers, malformed bodies, and replies that never come.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: the request body is whatever the provider sent.
  body: any;
}

export type FakeReply =
  | { kind: 'json'; status?: number; headers?: Record<string, string>; body: unknown }
  | { kind: 'raw'; status?: number; headers?: Record<string, string>; body: string }
  /** Server-sent events, each written as its own piece (`gapMs` apart); `hang` keeps it open after. */
  | { kind: 'sse'; events: string[]; gapMs?: number; hang?: boolean; raw?: boolean }
  /** Sends headers after `delayMs` then a JSON body; `Infinity` never answers. */
  | { kind: 'slow'; delayMs: number; reply: FakeReply };

export type Usage = { prompt_tokens: number; completion_tokens: number };

const chunk = (delta: Record<string, unknown>, finish: string | null = null, model = 'fake') =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

/** The SSE events of a streamed completion of `text` in `pieces`, usage in the final chunk. */
export const streamOf = (pieces: string[], usage?: Usage, finish = 'stop'): FakeReply => ({
  kind: 'sse',
  events: [
    chunk({ role: 'assistant', content: '' }),
    ...pieces.map((p) => chunk({ content: p })),
    chunk({}, finish),
    ...(usage
      ? [JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage })]
      : []),
    '[DONE]',
  ],
});

/** A non-streamed completion. */
export const replyOf = (text: string, usage?: Usage): FakeReply => ({
  kind: 'json',
  body: {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    ...(usage && { usage }),
  },
});

export const errorOf = (status: number, message: string, headers?: Record<string, string>): FakeReply => ({
  kind: 'json',
  status,
  ...(headers && { headers }),
  body: { error: { message, type: 'invalid_request_error', code: null } },
});

export interface FakeServer {
  /** Base URL including `/v1`. */
  url: string;
  requests: FakeRequest[];
  /** Requests whose connection the client closed before the reply was complete. */
  aborted: number;
  close(): Promise<void>;
}

export const startFakeOpenAI = async (
  respond: (req: FakeRequest, index: number) => FakeReply | Promise<FakeReply>,
): Promise<FakeServer> => {
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    if (ms === Number.POSITIVE_INFINITY) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const state = { aborted: 0 };

  const send = (res: ServerResponse, reply: FakeReply): void => {
    if (res.destroyed) return;
    switch (reply.kind) {
      case 'json':
      case 'raw':
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.kind === 'json' ? JSON.stringify(reply.body) : reply.body);
        return;
      case 'slow':
        later(reply.delayMs, () => send(res, reply.reply));
        return;
      case 'sse': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.flushHeaders();
        const events = [...reply.events];
        const next = () => {
          if (res.destroyed) return;
          const e = events.shift();
          if (e === undefined) {
            if (!reply.hang) res.end();
            return;
          }
          res.write(reply.raw ? e : `data: ${e}\n\n`);
          if (reply.gapMs) later(reply.gapMs, next);
          else next();
        };
        next();
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      raw += d;
    });
    req.on('end', async () => {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      const r: FakeRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(r);
      res.on('close', () => {
        if (!res.writableFinished) state.aborted++;
      });
      send(res, await respond(r, requests.length - 1));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get aborted() {
      return state.aborted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
