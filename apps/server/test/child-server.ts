/** The laneflow server as a child process, for tests and benches that kill and restart it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const serverDir = join(import.meta.dirname, '..');

export interface ChildServer {
  proc: ChildProcess;
  /** The URL it listens on ('' for a worker, which does not listen). */
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) unless it has already exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** This process's environment without its laneflow settings (LANEFLOW_*, DATABASE_URL, PORT, HOST), plus `vars`. */
export const childEnv = (vars: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('LANEFLOW_') && k !== 'DATABASE_URL' && k !== 'PORT' && k !== 'HOST') env[k] = v;
  return Object.assign(env, vars);
};

const LISTENING = /laneflow listening on (http:\/\/\S+)/;

/**
 * `src/cli.ts` as one process (`node --import tsx`; the tsx CLI would put the server in a grandchild
 * that a SIGKILL of the child would not reach). Resolves once its output matches `ready` (by default
 * the "listening on <url>" line), and fails with the output if it exits or does not start in time.
 */
export const spawnServer = async (o: {
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Names the process in errors. */
  name?: string;
  /** The line that says it started; its first group, if any, is the URL. */
  ready?: RegExp;
  timeoutMs?: number;
}): Promise<ChildServer> => {
  const name = o.name ?? 'the server';
  const ready = o.ready ?? LISTENING;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...o.args], {
    cwd: serverDir,
    env: o.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start in time:\n${out}`)),
      o.timeoutMs ?? 90_000,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before starting:\n${out}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return { proc, url, output: () => out, exited, stop };
};
