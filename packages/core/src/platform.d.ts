// The few web-platform globals core relies on. Browsers, Web Workers and Node all provide them;
// declaring only these (instead of lib "DOM" or @types/node) keeps DOM and Node APIs out of core.
declare function setTimeout(handler: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function queueMicrotask(callback: () => void): void;
// Where a run reports what it cannot act on (a listener that threw), unless told otherwise.
declare var console: { error(...data: unknown[]): void };

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
declare var AbortSignal: { abort(reason?: unknown): AbortSignal; timeout(ms: number): AbortSignal };

interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare var AbortController: { new (): AbortController; prototype: AbortController };

// fetch and streaming, for HTTP providers (src/providers). Only the members core uses.
interface Headers {
  get(name: string): string | null;
}
interface ReadableStreamDefaultReader<R> {
  read(): Promise<{ done: boolean; value?: R }>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}
interface ReadableStream<R> {
  getReader(): ReadableStreamDefaultReader<R>;
}
interface Response {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}
interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}
declare function fetch(input: string, init?: RequestInit): Promise<Response>;
interface TextDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare var TextDecoder: { new (label?: string): TextDecoder; prototype: TextDecoder };
