/**
 * A TCP proxy between the SDK and a server that a test can make misbehave: drop every live
 * connection now, or cut each server → client stream after a number of bytes (mid-frame).
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroys every live connection (both sides). Returns how many there were. */
  dropAll(): number;
  /**
   * Cuts every connection (present and future) after it has sent the client `pick()` more bytes;
   * `null` stops cutting.
   */
  cutAfterBytes(pick: (() => number) | null): void;
  /** Rewrites what clients send (HTTP request heads are plain text); `null` stops rewriting. */
  rewriteRequests(fn: ((text: string) => string) | null): void;
  close(): Promise<void>;
}

export const startTcpProxy = async (target: { host: string; port: number }): Promise<TcpProxy> => {
  const live = new Set<{ client: Socket; upstream: Socket; budget: number }>();
  let accepted = 0;
  let pick: (() => number) | null = null;
  let rewrite: ((text: string) => string) | null = null;

  const server = createServer((client) => {
    accepted++;
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, budget: pick ? pick() : Number.POSITIVE_INFINITY };
    live.add(pair);
    const drop = () => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) =>
      upstream.write(rewrite ? Buffer.from(rewrite(chunk.toString('latin1')), 'latin1') : chunk),
    );
    upstream.on('data', (chunk: Buffer) => {
      if (chunk.length < pair.budget) {
        pair.budget -= chunk.length;
        client.write(chunk);
        return;
      }
      // Send part of the chunk, then cut: the client sees a frame end in the middle.
      client.write(chunk.subarray(0, pair.budget), () => drop());
      pair.budget = 0;
      upstream.pause();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return accepted;
    },
    dropAll() {
      const n = live.size;
      for (const p of [...live]) {
        p.client.destroy();
        p.upstream.destroy();
      }
      live.clear();
      return n;
    },
    cutAfterBytes(next) {
      pick = next;
      for (const p of live) p.budget = next ? next() : Number.POSITIVE_INFINITY;
    },
    rewriteRequests(fn) {
      rewrite = fn;
    },
    close() {
      for (const p of live) {
        p.client.destroy();
        p.upstream.destroy();
      }
      live.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
};
