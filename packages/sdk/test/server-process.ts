/** The laneflow server as a child process (apps/server/test/child-server.ts), to kill and start again. */
import { createServer } from 'node:net';
import { spawnServer } from '../../../apps/server/test/child-server.ts';

/** A port nobody listens on right now. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly output: string;
  /** SIGKILL: no shutdown, no flush (a crash). */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/** Starts the server and resolves once it listens (PGlite's first open can take seconds). */
export const startServerProcess = async (opts: {
  port: number;
  dataDir: string;
  tokens: string;
  timeoutMs?: number;
}): Promise<ServerProcess> => {
  const { url, output, stop } = await spawnServer({
    args: ['--port', String(opts.port), '--data-dir', opts.dataDir, '--no-examples'],
    env: { ...process.env, LANEFLOW_TOKENS: opts.tokens, NODE_OPTIONS: '' },
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
  return {
    url,
    port: opts.port,
    get output() {
      return output();
    },
    kill: () => stop('SIGKILL'),
    stop: () => stop('SIGTERM'),
  };
};
