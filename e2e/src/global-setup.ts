import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, VIEWER } from './env.ts';

const root = join(import.meta.dirname, '..', '..');

/** Resolves with the server's URL once it prints "listening on <url>"; rejects if it exits first. */
const waitForListening = (child: ChildProcess, timeoutMs: number): Promise<string> =>
  new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not print "listening" within ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });

/**
 * Builds the dashboard once, then starts ONE real server (tsx apps/server/src/cli.ts) on a free
 * port with a fresh data dir and known tokens. Returns the teardown, which stops the whole process
 * group and removes the data dir.
 */
const build = () =>
  execFileSync('pnpm', ['--filter', '@laneflow/dashboard', 'build'], { cwd: root, stdio: 'inherit' });

const stop = async (child: ChildProcess): Promise<void> => {
  const pid = child.pid;
  if (!pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal); // the whole group: tsx and the node process it starts
    } catch {
      // already gone
    }
  };
  kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000));
  if ((await Promise.race([exited, timeout])) === 'timeout') kill('SIGKILL');
};

const start = async (dataDir: string): Promise<{ child: ChildProcess; url: string }> => {
  const child = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['apps/server/src/cli.ts', '--port', '0', '--data-dir', dataDir],
    {
      cwd: root,
      detached: true, // its own process group, so teardown can stop tsx and the node it starts
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LANEFLOW_TOKENS: `${ADMIN.name}:admin:${ADMIN.token},${VIEWER.name}:viewer:${VIEWER.token}`,
      },
    },
  );
  // PGlite's first open of an empty data dir is slow, more so on a busy machine.
  const url = await waitForListening(child, 180_000).catch(async (err) => {
    await stop(child);
    throw err;
  });
  // Keep draining the server's output so a full pipe never blocks it.
  child.stdout?.resume();
  child.stderr?.on('data', (c: Buffer) => process.stderr.write(`[server] ${c}`));
  return { child, url };
};

/** The server decides at start whether the dashboard is built; a concurrent rebuild can hide it. */
const servesDashboard = async (url: string): Promise<boolean> => {
  const html = await (await fetch(`${url}/`)).text();
  return html.includes('id="root"');
};

/**
 * Builds the dashboard once, then starts ONE real server (tsx apps/server/src/cli.ts) on a free
 * port with a fresh data dir and known tokens (admin and viewer). Returns the teardown, which stops
 * the server's whole process group and removes the data dir.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.LANEFLOW_E2E_SKIP_BUILD) build();
  const dataDir = mkdtempSync(join(tmpdir(), 'laneflow-e2e-'));
  let server = await start(dataDir);
  if (!(await servesDashboard(server.url))) {
    // dist/ was missing when the server looked (someone rebuilt it meanwhile): build and start again.
    await stop(server.child);
    build();
    server = await start(dataDir);
    if (!(await servesDashboard(server.url)))
      throw new Error(`${server.url}/ does not serve the dashboard (apps/dashboard/dist is not built)`);
  }
  process.env.LANEFLOW_E2E_URL = server.url;
  const { child } = server;
  return async () => {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
