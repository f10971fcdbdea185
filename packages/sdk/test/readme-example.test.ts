/** The README's example is examples/print-lanes.ts, and it runs as written against a real server. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultLadder } from '@laneflow/core';
import { startServer } from '@laneflow/server';
import { expect, it } from 'vitest';

const sdk = fileURLToPath(new URL('../', import.meta.url));
const example = readFileSync(new URL('../examples/print-lanes.ts', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

it('the README shows examples/print-lanes.ts exactly', () => {
  const section = readme.slice(readme.indexOf('## A complete example'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBe(example);
});

it('examples/print-lanes.ts runs against a server, then locally, and prints the lanes', async () => {
  const token = 'lf_readme_token';
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: 'memory://',
    ladder: defaultLadder,
    corsOrigins: [],
    maxBodyBytes: 1_048_576,
    tokensEnv: `demo:approver:${token}`,
    loadExamples: false,
  });
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/print-lanes.ts'], {
      cwd: sdk,
      env: { ...process.env, LANEFLOW_URL: server.url, LANEFLOW_TOKEN: token, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(out).toMatch(/\[remote\] run \S+ succeeded after \d+ signals/);
    expect(out).toMatch(/\[local\] run \S+ succeeded after \d+ signals/);
    for (const kind of ['remote', 'local']) {
      const lines = out.split('\n').filter((l) => l.startsWith(`[${kind}] #`));
      const lanes = lines.map((l) => l.replace(/^\[\w+\] #\d+ /, '').replace(/\s+/, ' '));
      expect(lanes).toEqual(
        expect.arrayContaining(['plan queued', 'plan succeeded', 'review awaiting_approval']),
      );
      expect(lanes.at(-1)).toBe('write succeeded');
    }
    // The two transports print the same lane changes.
    const strip = (kind: string) =>
      out
        .split('\n')
        .filter((l) => l.startsWith(`[${kind}] #`))
        .map((l) => l.slice(kind.length + 2));
    expect(strip('local')).toEqual(strip('remote'));
    expect(code).toBe(0);
  } finally {
    await server.close();
  }
});
