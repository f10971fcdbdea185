/// <reference lib="dom" />
/**
 * UI benchmark (bench/ui.md): the built dashboard in headless Chromium (Debian's /usr/bin/chromium)
 * driven by Playwright, against the real server (`startServer`, PGlite in a temp dir, serving
 * apps/dashboard/dist), signed in with the login URL `/?token=`.
 *
 *   (live)     a 1,000-node run (20 layers × 50 chains of sim LLM nodes, streamed answers) fed
 *              ~1,000 signals/s for ~12 s, watched at '#/run/remote/<id>': frame deltas from a rAF
 *              loop and long tasks (PerformanceObserver) over the live window. Target p95 ≤ 16.7 ms.
 *   (dag)      a 5,000-node DAG saved on the server, opened at '#/editor/<id>' (a fresh page load):
 *              time from navigation to the first frame with nodes, and to the first frame after a
 *              mouse-drag pan was handled (= interactive); then 4 s of continuous panning.
 *              Target interactive ≤ 1.5 s.
 *   (timeline) a finished run of ~50,000 signals; open it, tick "All signals", wheel-scroll the
 *              timeline list for 4 s. Target p95 ≤ 16.7 ms.
 *   (layout)   DAGs of 500 / 2,000 / 5,000 nodes without positions imported in the editor (Import,
 *              then the file, as a user does): time from the file to the first frame of the laid-out
 *              graph, and main-thread long tasks meanwhile; then Auto layout again (engine warm).
 *              Target 2,000 nodes under 3 s.
 *
 *   pnpm --filter @laneflow/bench bench:ui [live] [dag] [timeline] [--reps=3] [--build]
 *        [layout] [--trace=DIR] (a Chrome trace of each scenario's first measured window)
 *        [--trace-categories=a,b] (more trace categories)
 *        [--profile=DIR] (a CPU profile instead) [--dist=DIR] (another build, e.g. unminified)
 *        [--css='…'] (diagnostics: a stylesheet injected into every page) [--json]
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultLadder, type Signal } from '@laneflow/core';
import { startServer } from '@laneflow/server';
import { type Browser, chromium, type Page } from '@playwright/test';
import { chromiumLaunch } from '../../../scripts/chromium.ts';
import { awaitApproval } from '../approval.ts';
import { apiClient } from '../http.ts';
import {
  type FrameStats,
  frameStats,
  median,
  pct,
  probeScript,
  startRecording,
  stopRecording,
} from './probe.ts';
import { summariseProfile, summariseTrace } from './trace.ts';
import { finishedRunSignals, layeredDag } from './workloads.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const wanted = args.filter((a) => !a.startsWith('-'));
const want = (s: string) => wanted.length === 0 || wanted.includes(s);
const reps = Number(flag('reps') ?? 3);
const traceDir = flag('trace');
const log = (line: string) => console.error(`  ${line}`);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const dist = flag('dist') ?? join(repo, 'apps/dashboard/dist');
if (args.includes('--build') || !existsSync(join(dist, 'index.html'))) {
  log('building the dashboard…');
  execSync('pnpm --filter @laneflow/dashboard build', { cwd: repo, stdio: 'inherit' });
}
if (traceDir) mkdirSync(traceDir, { recursive: true });

console.log(
  `# laneflow UI bench — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, load average ${load()}`,
);

const token = `lf_bench_${randomBytes(12).toString('hex')}`;
const dir = mkdtempSync(join(os.tmpdir(), 'laneflow-ui-bench-'));
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  dataDir: join(dir, 'data'),
  ladder: defaultLadder,
  corsOrigins: [],
  maxBodyBytes: 64 * 1024 * 1024,
  tokensEnv: `bench:admin:${token}`,
  loadExamples: false,
  dashboardDist: dist,
});
log(`server at ${server.url}`);
const api = apiClient(server.url, token);
const allSignals = (runId: string): Promise<Signal[]> => server.store.allSignals(runId);

const browser: Browser = await chromium.launch({
  ...chromiumLaunch,
  args: [
    ...chromiumLaunch.args,
    // Diagnostics only: --chromium-args='--a --b' adds switches (e.g. to turn a browser feature off).
    ...(flag('chromium-args')?.split(' ').filter(Boolean) ?? []),
  ],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
await context.addInitScript(probeScript);
// Diagnostics only: --css='…' injects a stylesheet into every page (to test a rendering hypothesis).
const extraCss = flag('css');
if (extraCss)
  await context.addInitScript((css: string) => {
    document.addEventListener('DOMContentLoaded', () => {
      const st = document.createElement('style');
      st.textContent = css;
      document.head.append(st);
    });
  }, extraCss);
{
  const p = await context.newPage();
  await p.goto(`${server.url}/?token=${token}#/runs`);
  await p.waitForFunction(() => localStorage.getItem('laneflow.connection') !== null);
  await p.close();
}
/**
 * A tab that has finished opening: headless Chromium loads a WebUI renderer for each new tab's
 * (invisible) omnibox popup, ~550 ms of CPU in the first second or two. On this 2-core machine that
 * took a core from the page under test (bench/ui.md), which a user opening a link in a browser that
 * is already running does not pay, so the page is loaded only once the tab is idle.
 */
const newPage = async () => {
  const p = await context.newPage();
  p.on('pageerror', (e) => log(`page error: ${e.message}`));
  await p.goto('about:blank');
  await p.waitForTimeout(2_000);
  return p;
};
const nextFrameTime = (page: Page) =>
  page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now()))));

const traced = new Set<string>();
const profileDir = flag('profile');
if (profileDir) mkdirSync(profileDir, { recursive: true });
const withTrace = async <T>(name: string, page: Page, fn: () => Promise<T>): Promise<T> => {
  if (profileDir && !traced.has(name)) {
    traced.add(name);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    try {
      return await fn();
    } finally {
      const { profile } = await cdp.send('Profiler.stop');
      const path = join(profileDir, `${name}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profile));
      console.log(
        `\n<details><summary>${name}: CPU profile (${path})</summary>\n\n${summariseProfile(profile as never)}\n</details>\n`,
      );
    }
  }
  if (!traceDir || traced.has(name)) return fn();
  traced.add(name);
  const path = join(traceDir, `${name}.json`);
  await browser.startTracing(page, {
    path,
    screenshots: false,
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'v8.execute',
      'blink.user_timing',
      // Diagnostics only: --trace-categories=cc,disabled-by-default-cc (e.g. what a Commit does).
      ...(flag('trace-categories')?.split(',') ?? []),
    ],
  });
  try {
    return await fn();
  } finally {
    await browser.stopTracing();
    log(`trace: ${path}`);
    console.log(
      `\n<details><summary>${name}: main-thread time by event (trace ${path})</summary>\n\n${summariseTrace(path)}\n</details>\n`,
    );
  }
};

const frameRow = (label: string, s: FrameStats) =>
  `| ${label} | ${s.frames} | ${f1(s.p50)} | **${f1(s.p95)}** | ${f1(s.p99)} | ${f1(s.max)} | ${s.over16} | ${s.over50} | ${s.longTasks} | ${Math.round(s.longTaskMs)} | ${f1(s.seconds)} |`;
const frameHead =
  '| | frames | p50 ms | p95 ms | p99 ms | max ms | frames > 17.2 ms | frames > 50 ms | long tasks | long-task ms | s |\n|---|---|---|---|---|---|---|---|---|---|---|';
const medStats = (xs: FrameStats[]): FrameStats => {
  const m = (k: keyof FrameStats) => median(xs.map((x) => x[k]));
  return {
    frames: m('frames'),
    p50: m('p50'),
    p95: m('p95'),
    p99: m('p99'),
    max: m('max'),
    over16: m('over16'),
    over50: m('over50'),
    longTasks: m('longTasks'),
    longTaskMs: m('longTaskMs'),
    seconds: m('seconds'),
  };
};
const results: Record<string, unknown> = {};

// ---- idle baseline: what an idle page's rAF deltas look like in this headless Chromium ----
{
  const page = await newPage();
  await page.goto(`${server.url}/#/runs`);
  await page.waitForTimeout(1000);
  await startRecording(page);
  await page.waitForTimeout(3000);
  const s = frameStats(await stopRecording(page));
  await page.close();
  console.log(
    `\n## idle baseline (runs page, nothing happening; load ${load()})\n\n${frameHead}\n${frameRow('idle', s)}`,
  );
  results.idle = s;
}

// ---- (live) 1,000 nodes at ~1,000 signals/s ----
if (want('live')) {
  const rows: Array<{
    s: FrameStats;
    rate: number;
    perSecMax: number;
    signals: number;
    seconds: number;
    load: string;
    domNodes: number;
  }> = [];
  for (let i = 0; i < reps; i++) {
    const dag = layeredDag({
      id: `ui-live-${i}`,
      layers: 20,
      width: 50,
      latencyMs: [60, 130],
      answerChars: 216,
      gate: true,
    });
    const { runId } = (await api('POST', '/api/runs', { dag })) as { runId: string };
    const handle = server.runs.live(runId);
    if (!handle) throw new Error('run is not live');
    const approvalId = await awaitApproval(handle);
    const page = await newPage();
    await page.goto(`${server.url}/#/run/remote/${runId}`);
    await page.waitForSelector('[data-testid="count-awaiting_approval"]:text-is("1")', { timeout: 60_000 });
    await page.waitForTimeout(1500);
    const l = load();
    const w = await withTrace('live', page, async () => {
      await startRecording(page);
      await api('POST', `/api/runs/${runId}/approvals/${approvalId}`, { decision: 'approved' });
      const result = await handle.result;
      if (result.status !== 'succeeded') throw new Error(`run ${result.status}`);
      await page.waitForSelector('[data-testid="run-status"][data-status="succeeded"]', { timeout: 120_000 });
      return stopRecording(page);
    });
    const domNodes = await page.locator('.react-flow__node').count();
    await page.close();
    const signals = await allSignals(runId);
    const decided = signals.find((s) => s.type === 'approval.decided') as Signal;
    const live = signals.filter((s) => s.seq > decided.seq);
    const t0 = Date.parse(decided.at);
    const seconds = (Date.parse((signals[signals.length - 1] as Signal).at) - t0) / 1000;
    const perSec = new Map<number, number>();
    for (const s of live) {
      const k = Math.floor((Date.parse(s.at) - t0) / 1000);
      perSec.set(k, (perSec.get(k) ?? 0) + 1);
    }
    const s = frameStats(w);
    const row = {
      s,
      rate: live.length / seconds,
      perSecMax: Math.max(...perSec.values()),
      signals: live.length,
      seconds,
      load: l,
      domNodes,
    };
    rows.push(row);
    log(
      `live #${i + 1}: ${live.length} signals in ${seconds.toFixed(1)} s (${Math.round(row.rate)}/s), p95 ${f1(s.p95)} ms, ${s.longTasks} long tasks, load ${l}`,
    );
  }
  console.log(
    `\n## (live) 1,000-node run fed ~1,000 signals/s — frames over the live window\n\n${frameHead}`,
  );
  for (const [i, r] of rows.entries()) console.log(frameRow(`rep ${i + 1}`, r.s));
  console.log(frameRow('**median**', medStats(rows.map((r) => r.s))));
  console.log(
    '\n| rep | live signals | seconds | mean signals/s | busiest second | React Flow nodes in DOM | load average (1/5/15) |\n|---|---|---|---|---|---|---|',
  );
  for (const [i, r] of rows.entries())
    console.log(
      `| ${i + 1} | ${r.signals} | ${r.seconds.toFixed(1)} | ${Math.round(r.rate)} | ${r.perSecMax} | ${r.domNodes} | ${r.load} |`,
    );
  results.live = rows;
}

// ---- (dag) a 5,000-node DAG opened and panned in the editor ----
const paneHit = (page: Page) =>
  page.evaluate(() => {
    const rf = document.querySelector('.react-flow') as HTMLElement;
    const r = rf.getBoundingClientRect();
    for (let y = r.top + 20; y < r.bottom - 160; y += 10)
      for (let x = r.left + r.width / 2 - 100; x < r.left + r.width / 2 + 100; x += 10) {
        const el = document.elementFromPoint(x, y);
        if (el?.classList.contains('react-flow__pane')) return { x, y };
      }
    return { x: r.left + r.width / 2, y: r.top + 20 };
  });
const transformOf = (page: Page) =>
  page.evaluate(
    () => (document.querySelector('.react-flow__viewport') as HTMLElement | null)?.style.transform ?? '',
  );

if (want('dag')) {
  const dag = layeredDag({ id: 'ui-dag-5000', layers: 50, width: 100, latencyMs: [10, 10], answerChars: 0 });
  const t = performance.now();
  await api('POST', '/api/dags', dag);
  log(
    `5,000-node DAG saved (${(JSON.stringify(dag).length / 1e6).toFixed(2)} MB) in ${Math.round(performance.now() - t)} ms`,
  );
  const rows: Array<{
    firstNodes: number;
    interactive: number;
    panned: boolean;
    loadLongMs: number;
    loadLong: number;
    domNodes: number;
    s: FrameStats;
    load: string;
  }> = [];
  for (let i = 0; i < reps; i++) {
    const page = await newPage();
    const l = load();
    const { before, after, interactive } = await withTrace('dag-load', page, async () => {
      await page.goto(`${server.url}/#/editor/ui-dag-5000`);
      // The probe's promise rather than waitForSelector: Playwright's selector engine is a script
      // of its own that it first evaluates in the page, ~50–100 ms of main thread during the load.
      await page.evaluate(() => window.__lfb.nodesShown);
      const before = await transformOf(page);
      const at = await paneHit(page);
      await page.mouse.move(at.x, at.y);
      await page.mouse.down();
      await page.mouse.move(at.x + 120, at.y + 40, { steps: 4 });
      await page.mouse.up();
      const interactive = await nextFrameTime(page);
      const after = await transformOf(page);
      return { before, after, interactive };
    });
    const { firstNodes, long } = await page.evaluate(() => ({
      firstNodes: window.__lfb.firstNodeFrame as number,
      long: window.__lfb.allLong,
    }));
    const domNodes = await page.locator('.react-flow__node').count();
    const loadLong = long.filter((x) => x.start < interactive);
    // 4 s of continuous panning: one long drag on the empty pane, back and forth.
    await page.waitForTimeout(500);
    const p = await paneHit(page);
    const w = await withTrace('dag-pan', page, async () => {
      await page.mouse.move(p.x, p.y);
      await page.mouse.down();
      await startRecording(page);
      const end = Date.now() + 4000;
      for (let k = 0; Date.now() < end; k++) {
        const phase = (k % 120) / 120;
        const dx = Math.sin(phase * 2 * Math.PI) * 300;
        const dy = Math.cos(phase * 2 * Math.PI) * 120 - 120;
        await page.mouse.move(p.x + dx, p.y + dy);
      }
      const r = await stopRecording(page);
      await page.mouse.up();
      return r;
    });
    await page.close();
    const s = frameStats(w);
    const row = {
      firstNodes,
      interactive,
      panned: before !== after,
      loadLongMs: loadLong.reduce((a, x) => a + x.duration, 0),
      loadLong: loadLong.length,
      domNodes,
      s,
      load: l,
    };
    rows.push(row);
    log(
      `dag #${i + 1}: nodes at ${Math.round(firstNodes)} ms, interactive at ${Math.round(interactive)} ms (pan applied: ${row.panned}; ${before} → ${after}), pan p95 ${f1(s.p95)} ms, load ${l}`,
    );
  }
  console.log('\n## (dag) 5,000-node DAG opened in the editor (fresh page load)\n');
  console.log(
    '| rep | first frame with nodes (ms from navigation) | interactive: first frame after a drag-pan was handled (ms) | pan applied | long tasks before interactive (count / ms) | nodes in DOM | load average |\n|---|---|---|---|---|---|---|',
  );
  for (const [i, r] of rows.entries())
    console.log(
      `| ${i + 1} | ${Math.round(r.firstNodes)} | ${Math.round(r.interactive)} | ${r.panned} | ${r.loadLong} / ${Math.round(r.loadLongMs)} | ${r.domNodes} | ${r.load} |`,
    );
  console.log(
    `| **median** | ${Math.round(median(rows.map((r) => r.firstNodes)))} | **${Math.round(median(rows.map((r) => r.interactive)))}** | | ${median(rows.map((r) => r.loadLong))} / ${Math.round(median(rows.map((r) => r.loadLongMs)))} | | |`,
  );
  console.log(`\n### continuous panning, 4 s\n\n${frameHead}`);
  for (const [i, r] of rows.entries()) console.log(frameRow(`rep ${i + 1}`, r.s));
  console.log(frameRow('**median**', medStats(rows.map((r) => r.s))));
  results.dag = rows;
}

// ---- (timeline) a finished run of ~50,000 signals, "All signals", wheel-scrolled ----
if (want('timeline')) {
  // 1,150 nodes × (queued, started, 40 output deltas, usage, succeeded) + run start/end ≈ 50,600.
  const dag = layeredDag({ id: 'ui-timeline', layers: 23, width: 50, latencyMs: [0, 0], answerChars: 960 });
  const t = performance.now();
  const runId = `ui-timeline-${randomBytes(4).toString('hex')}`;
  await server.store.createRun({ id: runId, dag, dagVersion: null, createdBy: 'bench' });
  const seeded = finishedRunSignals(runId, dag, 40);
  for (let i = 0; i < seeded.length; i += 500)
    await server.store.appendSignals(runId, seeded.slice(i, i + 500));
  const n = (await allSignals(runId)).length;
  log(`timeline run: ${n} signals stored in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const rows: Array<{
    open: number;
    toggle: number;
    shown: number;
    scrolled: number;
    s: FrameStats;
    load: string;
  }> = [];
  for (let i = 0; i < reps; i++) {
    const page = await newPage();
    const l = load();
    await page.goto(`${server.url}/#/run/remote/${runId}`);
    await page.waitForSelector('[data-testid="run-status"][data-status="succeeded"]', { timeout: 120_000 });
    const open = await nextFrameTime(page);
    await page.waitForTimeout(500);
    const t0 = await page.evaluate(() => performance.now());
    await page.getByLabel('All signals').check();
    await page.waitForFunction((n) => {
      const li = document.querySelector('[aria-label="Timeline events"] li');
      return Number(li?.getAttribute('aria-setsize')) >= n;
    }, n - 10);
    const toggle = (await nextFrameTime(page)) - t0;
    const shown = Number(
      await page.locator('[aria-label="Timeline events"] li').first().getAttribute('aria-setsize'),
    );
    const box = (await page.getByTestId('virtual-list').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(300);
    const w = await withTrace('timeline-scroll', page, async () => {
      await startRecording(page);
      const end = Date.now() + 4000;
      while (Date.now() < end) await page.mouse.wheel(0, 120);
      return stopRecording(page);
    });
    const scrolled = await page.getByTestId('virtual-list').evaluate((el) => el.scrollTop);
    await page.close();
    const s = frameStats(w);
    rows.push({ open, toggle, shown, scrolled, s, load: l });
    log(
      `timeline #${i + 1}: open ${Math.round(open)} ms, toggle ${Math.round(toggle)} ms, ${shown} rows, scrolled ${Math.round(scrolled)} px, p95 ${f1(s.p95)} ms, load ${l}`,
    );
  }
  console.log(`\n## (timeline) finished run of ${n} signals, "All signals", wheel-scrolled 4 s\n`);
  console.log(
    '| rep | open: run loaded and status shown (ms from navigation) | "All signals" tick → list shown (ms) | rows | scrolled px | load average |\n|---|---|---|---|---|---|',
  );
  for (const [i, r] of rows.entries())
    console.log(
      `| ${i + 1} | ${Math.round(r.open)} | ${Math.round(r.toggle)} | ${r.shown} | ${Math.round(r.scrolled)} | ${r.load} |`,
    );
  console.log(
    `| **median** | ${Math.round(median(rows.map((r) => r.open)))} | ${Math.round(median(rows.map((r) => r.toggle)))} | | | |`,
  );
  console.log(`\n${frameHead}`);
  for (const [i, r] of rows.entries()) console.log(frameRow(`rep ${i + 1}`, r.s));
  console.log(frameRow('**median**', medStats(rows.map((r) => r.s))));
  results.timeline = rows;
}

// ---- (layout) DAGs without positions imported, laid out by ELK in a worker ----
if (want('layout')) {
  const rows: Array<{ n: number; cold: number; warm: number; long: number; longMs: number; load: string }> =
    [];
  for (const [layers, width] of [
    [20, 25],
    [40, 50],
    [50, 100],
  ] as const) {
    const n = layers * width;
    const spec = layeredDag({ id: `ui-layout-${n}`, layers, width, latencyMs: [10, 10], answerChars: 0 });
    const unplaced = { ...spec, nodes: spec.nodes.map(({ position: _, ...node }) => node) };
    const file = {
      name: `${n}.json`,
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(unplaced)),
    };
    for (let i = 0; i < reps; i++) {
      const page = await newPage();
      const l = load();
      await page.goto(`${server.url}/#/editor`);
      await page.getByTestId('validity').waitFor();
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      // A user takes longer than this to pick a file; the engine starts meanwhile.
      await page.waitForTimeout(1500);
      const picked = await chooser;
      await startRecording(page);
      const t0 = await page.evaluate(() => performance.now());
      const cold = await withTrace(`layout-${n}`, page, async () => {
        await picked.setFiles(file);
        await page.getByTestId('layout-progress').waitFor();
        await page.getByTestId('layout-progress').waitFor({ state: 'detached', timeout: 120_000 });
        return (await nextFrameTime(page)) - t0;
      });
      const w = await stopRecording(page);
      const t1 = await page.evaluate(() => performance.now());
      await page.getByRole('button', { name: 'Auto layout' }).click();
      await page.getByTestId('layout-progress').waitFor({ state: 'detached', timeout: 120_000 });
      const warm = (await nextFrameTime(page)) - t1;
      await page.close();
      const row = {
        n,
        cold,
        warm,
        long: w.longTasks.length,
        longMs: w.longTasks.reduce((a, x) => a + x.duration, 0),
        load: l,
      };
      rows.push(row);
      log(`layout ${n} #${i + 1}: ${Math.round(cold)} ms (again: ${Math.round(warm)} ms), load ${l}`);
    }
  }
  console.log('\n## (layout) a DAG without positions imported, laid out by ELK in a Web Worker\n');
  console.log(
    '| nodes | file → laid-out frame (ms) | main-thread long tasks meanwhile (count / ms) | Auto layout again (ms) | load average |\n|---|---|---|---|---|',
  );
  for (const r of rows)
    console.log(
      `| ${r.n.toLocaleString('en')} | ${Math.round(r.cold)} | ${r.long} / ${Math.round(r.longMs)} | ${Math.round(r.warm)} | ${r.load} |`,
    );
  results.layout = rows;
}

console.log(`\nload average at the end: ${load()}`);
if (args.includes('--json')) console.log(JSON.stringify({ bench: 'ui', results }));
await context.close();
await browser.close();
await server.close();
rmSync(dir, { recursive: true, force: true });
void pct;
