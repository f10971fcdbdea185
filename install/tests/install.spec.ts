import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { must, projectDir, sh } from '../src/project.ts';
import { serveStatic } from '../src/static.ts';

const ADMIN = 'lf_install_admin_token_0123456789';

test('publint and are-the-types-wrong find nothing in any tarball', () => {
  const dir = process.env.LANEFLOW_TARBALLS as string;
  const tarballs = readdirSync(dir);
  expect(tarballs.sort()).toEqual([
    expect.stringMatching(/^laneflow-core-/),
    expect.stringMatching(/^laneflow-sdk-/),
    expect.stringMatching(/^laneflow-server-/),
  ]);
  for (const t of tarballs) {
    must('pnpm', ['exec', 'publint', 'run', join(dir, t)]);
    must('pnpm', ['exec', 'attw', join(dir, t), '--profile', 'esm-only']);
  }
});

test('plain Node runs a DAG with an escalation and an approval', () => {
  const out = must('node', ['run-dag.mjs'], { cwd: projectDir() });
  expect(JSON.parse(out.trim().split('\n').at(-1) as string)).toEqual({
    status: 'succeeded',
    lanes: expect.objectContaining({ plan: 'succeeded', draft: 'escalated', review: 'succeeded' }),
  });
});

test('tsc --strict type-checks code using core, sdk and sdk/react', () => {
  must('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: projectDir() });
});

test('a Vite + React app builds and runs a DAG in a Web Worker', async ({ page }) => {
  must('npx', ['vite', 'build'], { cwd: projectDir() });
  const { url, server } = await serveStatic(join(projectDir(), 'dist'));
  try {
    await page.goto(url);
    await expect(page.getByTestId('status')).toHaveText('succeeded');
    await expect(page.locator('li[data-lane="escalated"]')).toHaveText('draft: escalated');
    await expect(page.locator('li', { hasText: 'review' })).toHaveAttribute('data-lane', 'succeeded');
  } finally {
    server.close();
  }
});

test('npx laneflow serves the API and the dashboard; laneflow run and token work against it', async () => {
  const cwd = projectDir();
  // The installed bin itself (not through npx), so stopping it stops the server.
  const child = spawn(
    join(cwd, 'node_modules', '.bin', 'laneflow'),
    ['serve', '--port', '0', '--no-examples', '--data-dir', mkdtempSync(join(tmpdir(), 'lf-data-'))],
    {
      cwd,
      env: { ...process.env, LANEFLOW_TOKENS: `ci:admin:${ADMIN}` },
    },
  );
  let out = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line:\n${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
      child.stderr.on('data', (d: Buffer) => {
        out += d;
      });
      child.on('exit', (code) => reject(new Error(`laneflow exited ${code}:\n${out}`)));
    });
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    const page = await fetch(url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root">');

    const ran = sh(
      'npx',
      ['laneflow', 'run', 'dag.json', '--server', url, '--token', ADMIN, '--approve-all'],
      { cwd },
    );
    expect(ran.out).toContain('run succeeded');
    expect(ran.status).toBe(0);

    const created = sh(
      'npx',
      ['laneflow', 'token', 'create', 'reader', '--role', 'viewer', '--server', url, '--token', ADMIN],
      { cwd },
    );
    expect(created.status).toBe(0);
    const reader = created.out.trim().split('\n')[0] as string;
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${reader}` } });
    expect(await me.json()).toEqual({ name: 'reader', role: 'viewer' });
    expect(
      sh('npx', ['laneflow', 'token', 'revoke', 'reader', '--server', url, '--token', ADMIN], { cwd }).status,
    ).toBe(0);
    expect((await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(
      401,
    );
  } finally {
    child.kill('SIGTERM');
  }
});
