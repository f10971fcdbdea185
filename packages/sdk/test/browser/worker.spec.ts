/**
 * The local transport in a real Chromium page, with the engine in a Web Worker and storage in
 * IndexedDB: a run is watched to the end and its approval decided; after a reload the DAG and the
 * finished run are still there.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { build } from 'esbuild';

const sdk = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let server: Server;
let base: string;

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.map': 'application/json',
};

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'laneflow-sdk-browser-'));
  await build({
    entryPoints: {
      page: join(sdk, 'test/browser/page.ts'),
      worker: join(sdk, 'src/worker/worker-entry.ts'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: dir,
    sourcemap: true,
    logLevel: 'warning',
  });
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>laneflow sdk</title><link rel="icon" href="data:,"><script type="module" src="./page.js"></script>',
  );
  server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path.slice(1));
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: the page's result is plain JSON checked below.
const resultOf = async (page: Page): Promise<any> => {
  await page.waitForFunction(() => window.laneflowResult !== undefined, undefined, { timeout: 60_000 });
  const r = await page.evaluate(() => window.laneflowResult);
  expect(r).not.toHaveProperty('error');
  return r;
};

test('runs a DAG in a Web Worker, decides its approval, and keeps it across a reload', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });

  await page.goto(`${base}/`);
  const run = await resultOf(page);
  const n = run.seqs.length;
  expect(n).toBeGreaterThan(20);
  expect(run.seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(run.types[0]).toBe('run.started');
  expect(run.types.at(-1)).toBe('run.succeeded');
  expect(run.types).toContain('approval.decided');
  expect(run.status).toBe('succeeded');
  expect(run.lanes).toMatchObject({
    plan: 'succeeded',
    each: 'succeeded',
    ok: 'succeeded',
    publish: 'succeeded',
  });
  expect(Object.keys(run.lanes)).toHaveLength(4 + 6);
  expect(run.savedVersion).toBe(1);
  // Errors cross the worker boundary as HttpError with status, code and issues.
  expect(run.invalid).toEqual({ httpError: true, status: 400, code: 'invalid_dag', issues: 1 });
  expect(run.missingRun).toMatchObject({ httpError: true, status: 404, code: 'not_found' });
  expect(run.decisions).toEqual([
    { inbox: [run.approvalId] },
    { duplicate: false },
    { duplicate: true },
    { httpError: true, status: 409, code: 'conflict', issues: 0 },
  ]);
  expect(run.states[0]).toBe('connecting');
  expect(run.states).toContain('open');
  expect(run.finalState).toBe('closed');

  await page.evaluate(() => {
    location.hash = 'check';
  });
  await page.reload();
  const kept = await resultOf(page);
  expect(kept.phase).toBe('check');
  expect(kept.dags).toEqual([{ id: 'browser-demo', version: 1, nodes: 4 }]);
  expect(kept.dag).toEqual(['plan', 'each', 'ok', 'publish']);
  expect(kept.runs).toEqual([{ id: run.runId, status: 'succeeded', dagId: 'browser-demo', lastSeq: n }]);
  expect(kept.replay).toEqual(run.seqs);
  expect(kept.lanes).toEqual(run.lanes);
  expect(kept.approvals).toEqual([{ id: run.approvalId, comment: 'go' }]);
  expect(kept.cancelFinished).toMatchObject({ httpError: true, status: 409, code: 'run_finished' });
  expect(problems).toEqual([]);
});
