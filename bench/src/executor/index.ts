/**
 * Executor benchmark: chain, fan-out and layered DAGs of no-op nodes through laneflow's executor, a
 * hand-written topological runner (the floor) and LangGraph.js, each case in its own process.
 *
 *   pnpm --filter @laneflow/bench bench:executor [--sizes=100,1000,10000] [--workloads=chain,fanout,layered]
 *     [--engines=floor,laneflow,langgraph] [--timeout=120] [--write | --no-write]
 *
 * Writes bench/executor.md (and the raw samples to bench/executor.json) when the full matrix ran
 * (or with --write).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from './case.ts';
import { type Workload, workloads } from './dags.ts';
import { type Engine, engines } from './engines.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '../..');
const caseFile = path.join(here, 'case.ts');

export interface ExecutorBenchOptions {
  sizes?: number[];
  workloads?: Workload[];
  engines?: Engine[];
  /** A case whose process shows no finished run for this long is recorded as a timeout (s). */
  timeoutS?: number;
  /** Write bench/executor.md (default: when the full matrix ran). */
  write?: boolean;
  log?: (line: string) => void;
}

export type Outcome =
  | CaseResult
  | { engine: Engine; workload: Workload; n: number; timeout: true; afterS: number };

const defaultSizes = [100, 1000, 10_000];

/** Runs one case in a child process; resolves with its result or a timeout. */
const runCase = (engine: Engine, workload: Workload, n: number, timeoutS: number): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', caseFile, engine, workload, String(n)],
      { cwd: benchDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const t0 = performance.now();
    let out = '';
    let err = '';
    let timedOut = false;
    let watchdog: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutS * 1000);
    };
    arm();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (chunk.includes('sample ')) arm();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(watchdog);
      const line = out.split('\n').find((l) => l.startsWith('result '));
      if (line) return resolve(JSON.parse(line.slice('result '.length)) as CaseResult);
      if (timedOut)
        return resolve({ engine, workload, n, timeout: true, afterS: (performance.now() - t0) / 1000 });
      reject(new Error(`${engine} ${workload} ${n} exited with ${code}:\n${err || out}`));
    });
  });

const isTimeout = (o: Outcome | undefined): o is Extract<Outcome, { timeout: true }> =>
  o !== undefined && 'timeout' in o;

const fmt = (x: number, digits = 2) =>
  x >= 1000 ? Math.round(x).toLocaleString('en-US') : x >= 100 ? x.toFixed(0) : x.toFixed(digits);

const bestUs = (o: CaseResult) => (Math.min(...o.samplesMs) * 1000) / o.n;

/** Median per node, with the fastest run in parentheses (load only ever adds time). */
const perNode = (o: Outcome | undefined) =>
  o === undefined
    ? '—'
    : isTimeout(o)
      ? `timeout (> ${Math.round(o.afterS)} s)`
      : `${fmt(o.perNodeUs)} (${fmt(bestUs(o))})`;

const cpu = (o: Outcome | undefined) =>
  o === undefined ? '—' : isTimeout(o) ? 'timeout' : fmt(o.cpuPerNodeUs);

const mem = (o: Outcome | undefined) =>
  o === undefined ? '—' : isTimeout(o) ? 'timeout' : fmt(Math.max(0, o.peakRssDeltaMiB), 1);

const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

export interface Verdict {
  target: string;
  met: boolean | undefined;
  detail: string;
}

/** The targets laneflow's executor is held to. */
export const verdicts = (results: Outcome[]): Verdict[] => {
  const get = (engine: Engine, w: Workload, n: number) =>
    results.find((r) => r.engine === engine && r.workload === w && r.n === n);
  const us = (o: Outcome | undefined) => (o && !isTimeout(o) ? o.perNodeUs : undefined);
  const out: Verdict[] = [];
  for (const w of workloads) {
    const k1 = us(get('laneflow', w, 1000));
    const k10 = us(get('laneflow', w, 10_000));
    const lg = get('langgraph', w, 1000);
    const worst = Math.max(k1 ?? Number.NaN, k10 ?? Number.NaN);
    out.push({
      target: `${w}: ≤ 2 µs/node at 1,000 and 10,000`,
      met: k1 === undefined || k10 === undefined ? undefined : worst <= 2,
      detail: `${k1 === undefined ? '—' : fmt(k1)} / ${k10 === undefined ? '—' : fmt(k10)} µs`,
    });
    out.push({
      target: `${w}: linear (10k per-node ≤ 1.5 × 1k)`,
      met: k1 === undefined || k10 === undefined ? undefined : k10 <= 1.5 * k1,
      detail: k1 === undefined || k10 === undefined ? '—' : `${(k10 / k1).toFixed(2)} ×`,
    });
    const lgUs = us(lg);
    out.push({
      target: `${w}: ≥ 300 × faster than LangGraph.js at 1,000`,
      met:
        k1 === undefined || lg === undefined
          ? undefined
          : isTimeout(lg)
            ? true
            : (lgUs as number) / k1 >= 300,
      detail:
        k1 === undefined || lg === undefined
          ? '—'
          : isTimeout(lg)
            ? 'LangGraph timed out'
            : `${fmt((lgUs as number) / k1, 0)} ×`,
    });
  }
  return out;
};

export const report = (results: Outcome[], sizes: number[], ws: readonly Workload[]) => {
  const get = (engine: Engine, w: Workload, n: number) =>
    results.find((r) => r.engine === engine && r.workload === w && r.n === n);
  const timeRows: string[][] = [];
  const memRows: string[][] = [];
  for (const w of ws)
    for (const n of sizes) {
      const [f, l, g] = [get('floor', w, n), get('laneflow', w, n), get('langgraph', w, n)];
      const edges = [f, l, g].find((o) => o && !isTimeout(o)) as CaseResult | undefined;
      const ratio = (a: Outcome | undefined, b: Outcome | undefined) =>
        a && b && !isTimeout(a) && !isTimeout(b) ? `${fmt(a.perNodeUs / b.perNodeUs, 1)} ×` : '—';
      timeRows.push([
        w,
        n.toLocaleString('en-US'),
        edges ? edges.edges.toLocaleString('en-US') : '—',
        perNode(f),
        perNode(l),
        perNode(g),
        `${cpu(f)} / ${cpu(l)} / ${cpu(g)}`,
        ratio(l, f),
        isTimeout(g)
          ? `> ${fmt((g.afterS * 1e6) / n / (l && !isTimeout(l) ? l.perNodeUs : Number.NaN), 0)} ×`
          : ratio(g, l),
      ]);
      const held =
        l && !isTimeout(l)
          ? `${fmt(l.heapDeltaMiB, 1)} (${fmt((l.heapDeltaMiB * 1024 * 1024) / n, 0)} B/node)`
          : '—';
      memRows.push([w, n.toLocaleString('en-US'), mem(f), mem(l), mem(g), held]);
    }
  return {
    time: table(
      [
        'workload',
        'nodes',
        'edges',
        'floor µs/node',
        'laneflow µs/node',
        'LangGraph.js µs/node',
        'CPU µs/node (floor / laneflow / LangGraph)',
        'laneflow ÷ floor',
        'LangGraph ÷ laneflow',
      ],
      timeRows,
    ),
    memory: table(
      [
        'workload',
        'nodes',
        'floor peak RSS Δ MiB',
        'laneflow peak RSS Δ MiB',
        'LangGraph.js peak RSS Δ MiB',
        'laneflow heap held per run MiB',
      ],
      memRows,
    ),
    targets: table(
      ['target', 'result', 'met'],
      verdicts(results).map((v) => [
        v.target,
        v.detail,
        v.met === undefined ? 'not measured' : v.met ? 'yes' : '**no**',
      ]),
    ),
  };
};

const versionOf = (pkg: string) => {
  try {
    const require = createRequire(path.join(benchDir, 'package.json'));
    const main = require.resolve(pkg);
    let dir = path.dirname(main);
    for (;;) {
      try {
        const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version: string;
        };
        if (json.name === pkg) return json.version;
      } catch {}
      const up = path.dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
  } catch {
    return 'not installed';
  }
};

export const machine = () => {
  const cpus = os.cpus();
  return [
    `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    `${os.type()} ${os.release()} (${os.arch()}), Node ${process.version}`,
    `@langchain/langgraph ${versionOf('@langchain/langgraph')}, @langchain/core ${versionOf('@langchain/core')}`,
  ].join('; ');
};

export const runExecutorBench = async (opts: ExecutorBenchOptions = {}): Promise<Outcome[]> => {
  const log = opts.log ?? ((l: string) => console.log(l));
  const sizes = opts.sizes ?? defaultSizes;
  const ws = opts.workloads ?? [...workloads];
  const es = opts.engines ?? [...engines];
  const timeoutS = opts.timeoutS ?? 120;
  const results: Outcome[] = [];
  const loadBefore = os.loadavg();
  for (const w of ws)
    for (const n of sizes)
      for (const e of es) {
        const r = await runCase(e, w, n, timeoutS);
        results.push(r);
        log(
          isTimeout(r)
            ? `${w.padEnd(8)} ${String(n).padStart(6)} ${e.padEnd(10)} timeout after ${r.afterS.toFixed(0)} s`
            : `${w.padEnd(8)} ${String(n).padStart(6)} ${e.padEnd(10)} ${fmt(r.perNodeUs).padStart(9)} µs/node  (median of ${r.samplesMs.length}, best ${fmt(bestUs(r))}, CPU ${fmt(r.cpuPerNodeUs)}, peak RSS Δ ${fmt(r.peakRssDeltaMiB, 1)} MiB)`,
        );
      }
  const { time, memory, targets } = report(results, sizes, ws);
  log(
    `\n${time}\n\n${memory}\n\n${targets}\n\nload average now ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`,
  );
  const full =
    sizes.length === defaultSizes.length && ws.length === workloads.length && es.length === engines.length;
  if (opts.write ?? full) {
    const file = path.join(benchDir, 'executor.md');
    const load = `${loadBefore.map((x) => x.toFixed(1)).join(' / ')} before, ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} after (1 / 5 / 15 min)`;
    writeFileSync(file, markdown(time, memory, targets, timeoutS, load));
    // The raw figures, every sample included, for comparing a later run against this baseline.
    writeFileSync(
      path.join(benchDir, 'executor.json'),
      `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), load, results }, null, 1)}\n`,
    );
    log(`wrote ${path.relative(process.cwd(), file) || file}`);
  }
  return results;
};

const markdown = (
  time: string,
  memory: string,
  targets: string,
  timeoutS: number,
  load: string,
) => `# Executor benchmark

Per-node overhead of running a DAG of no-op nodes: laneflow's executor (\`startRun\`), a hand-written
topological runner that emits the same per-node signals (the floor), and LangGraph.js (\`StateGraph\`).

- Machine: ${machine()}.
- Command: \`pnpm --filter @laneflow/bench bench:executor\` (in \`bench/\`: \`pnpm bench:executor\`).
- Date: ${new Date().toISOString().slice(0, 10)}; load average ${load}.

## Method

- Shapes (\`bench/src/executor/dags.ts\`): **chain** n0 → n1 → … ; **fanout** one root → N−2 leaves → one
  sink; **layered** ≈√N layers of ≈√N nodes, each node depending on 2–3 nodes of the layer before
  (seeded, so every engine gets the same graph).
- **laneflow**: every node is a \`transform\` with a constant mapping (its work returns the mapping at
  once; the executor still ends the attempt in a later microtask, as if it had awaited),
  \`startRun(dag, { maxConcurrency: 1e9 })\` with no log (the handle keeps the signals) and the real
  clock; timed from \`startRun\` until \`handle.result\` resolves (includes building the run's graph,
  stamping and committing 3N + 2 signals and folding them into the live projection). The DAG document
  is parsed before the clock starts.
- **floor**: builds dependency counts, pushes \`node.queued\` / \`node.started\` / \`node.succeeded\`
  objects with \`seq\` and \`at\` into an array, and awaits \`Promise.resolve()\` once per node.
- **LangGraph.js**: one node per DAG node (\`async () => { await Promise.resolve(); return {} }\`), an edge
  per dependency, fan-in as a join (\`addEdge([sources], target)\`), \`recursionLimit\` N + 100; compiled
  before the clock starts; timed \`invoke\`. A case with no finished run within ${timeoutS} s is a timeout.
- Each case runs in its own \`node --expose-gc\` process (tsx); runs are preceded by warm-up runs and a
  \`gc()\`; the figure is the median wall time ÷ N, the fastest run in parentheses (20/10/3 warm-up and 31/21/9 measured runs at
  100/1,000/10,000 nodes, fewer when a run takes seconds). The CPU column is the median process CPU time (user + system,
  GC threads included) ÷ N: on a shared, loaded machine it moves less than wall time. Peak RSS Δ is the process's peak resident set
  over all its runs minus the resident set after setup; heap held is what one finished run (handle with
  its signals and view) keeps alive.

## Time per node

On a machine shared with other jobs (see the load average above) a wall-time median includes time the
benchmark spent descheduled; the fastest run and the CPU column are then the better guide to what the
code itself costs, and the LangGraph ÷ laneflow ratio (both slowed alike) holds up better than either.

${time}

## Memory

${memory}

## Targets

${targets}
`;

/** The bench runner's entry (`bench/src/index.ts`): runs the full matrix and writes executor.md. */
export const run = (opts: ExecutorBenchOptions = {}) => runExecutorBench(opts);

const isMain =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const list = (name: string) => arg(name)?.split(',').filter(Boolean);
  await runExecutorBench({
    sizes: list('sizes')?.map(Number),
    workloads: list('workloads') as Workload[] | undefined,
    engines: list('engines') as Engine[] | undefined,
    timeoutS: arg('timeout') ? Number(arg('timeout')) : undefined,
    write: process.argv.includes('--write') ? true : process.argv.includes('--no-write') ? false : undefined,
  });
}
