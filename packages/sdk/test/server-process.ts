/** The laneflow server as a child process (`tsx apps/server/src/cli.ts`), to kill and start again. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

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
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'apps/server/src/cli.ts',
      '--port',
      String(opts.port),
      '--data-dir',
      opts.dataDir,
      '--no-examples',
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, LANEFLOW_TOKENS: opts.tokens, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in time:\n${output}`)),
      opts.timeoutMs ?? 120_000,
    );
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('laneflow listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${opts.port}`,
    port: opts.port,
    get output() {
      return output;
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
};
