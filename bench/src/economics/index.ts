/**
 * Escalation economics: the suite's DAG, 1,000+ runs per strategy through the real executor on
 * virtual time, with published per-model accuracy and prices (see published.ts, suite.ts).
 *
 *   pnpm --filter @laneflow/bench bench:economics [--runs=1000] [--seed=1] [--gate=perfect] [--tries=3]
 *     [--suite=all] [--no-write]
 *
 * Prints the tables; unless --no-write, replaces the results block of bench/economics.md and writes
 * bench/economics-learning-curve.svg and bench/economics-cost-quality.svg. For comparison, --gate=perfect
 * (a gate that never errs), --tries=N (gate rounds per tier, default 3) and --suite=all (all ten
 * datasets of the published setting instead of six) each replace only their own block of the file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { learned } from './learned.ts';
import { type RunOutcome, runOnce } from './measure.ts';
import { ceilingText, oracleText } from './oracle.ts';
import {
  type CurvePoint,
  costQualitySpec,
  learningCurveSpec,
  type QualityPoint,
  renderSvg,
} from './plots.ts';
import { inputsTable, reportTables, type StrategyResult } from './report.ts';
import { alwaysTop, cascade, fixedStart, hindsight, type Strategy } from './strategies.ts';
import { allDatasets, defaultTries, gateNoise, perfectGate, profiles } from './suite.ts';
import { cumulativeCost, mixedFigures, profileFigures, rollingCost } from './summary.ts';
import { targetsText } from './targets.ts';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const runs = Number(arg('runs') ?? 1000);
const seed = Number(arg('seed') ?? 1);
const write = !process.argv.includes('--no-write');
const perfect = arg('gate') === 'perfect';
const noise = perfect ? perfectGate : gateNoise;
const tries = Number(arg('tries') ?? defaultTries);
/** The results block this configuration writes. */
const variant = allDatasets
  ? 'results-all-datasets'
  : perfect
    ? 'results-perfect-gate'
    : tries !== defaultTries
      ? `results-${tries}-tries`
      : 'results';
const curveWidth = 25;
/** The targets allow the policy this many runs of history. */
const warmup = 50;

const runStrategy = async (s: Strategy): Promise<StrategyResult> => {
  const t0 = performance.now();
  const outcomes: RunOutcome[] = [];
  for (let i = 0; i < runs; i++) {
    const outcome = await runOnce(seed, i, s.dag, s.options?.(i), noise);
    s.observe?.(outcome);
    // The signals are only for the strategy's own history; keeping 1,000 runs of them is not needed.
    outcomes.push({ ...outcome, signals: [] });
  }
  const f = mixedFigures(outcomes);
  console.log(
    `${s.key}: ${runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s wall; $${f.costUsd.toFixed(4)}/run, correct ${(f.correct * 100).toFixed(1)}%`,
  );
  return { key: s.key, label: s.label, runs: outcomes };
};

const started = new Date();
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const load = os.loadavg()[0] as number;
const cheap = await runStrategy(cascade(tries));
const medium = await runStrategy(fixedStart('medium', 'start medium, escalate', 1, tries));
const top = await runStrategy(alwaysTop(tries));
const oracle = hindsight([cheap.runs, medium.runs, top.runs], tries);
const best = await runStrategy(oracle.strategy);
const policy = await runStrategy(learned(tries));
const results = [cheap, medium, top, best, policy];

const windows = [
  { key: policy.key, label: policy.label, from: 1, to: Math.min(warmup, runs) },
  { key: policy.key, label: policy.label, from: warmup + 1, to: runs },
];
const tables = reportTables(results, windows, oracle.chosen, warmup);
const targets = targetsText(cheap.runs, top.runs, policy.runs, warmup);
const machine = `Generated ${started.toISOString().slice(0, 16)} UTC at commit ${commit} by \`pnpm --filter @laneflow/bench bench:economics --runs=${runs} --seed=${seed}${allDatasets ? ' --suite=all' : ''}\` (Node ${process.version}, load ${load.toFixed(1)} on ${os.cpus().length} cores; the figures are on virtual time and do not depend on the load).`;
const block = [
  machine,
  '',
  '### Inputs per node and tier',
  '',
  inputsTable(),
  '',
  tables,
  '',
  targets,
  // Routing alone, without a gate: the same for every gate, so only where the suite differs.
  ...(variant === 'results' || allDatasets ? ['', ceilingText(), '', oracleText(seed, runs)] : []),
].join('\n');
console.log(`\n${block}`);

const writeBlock = (name: string) => {
  const mdPath = path.join(benchDir, 'economics.md');
  const md = readFileSync(mdPath, 'utf8');
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const i = md.indexOf(begin);
  const j = md.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${mdPath} has no ${begin} … ${end} block`);
  writeFileSync(mdPath, `${md.slice(0, i + begin.length)}\n${block}\n${md.slice(j)}`);
  console.log(`\nwrote the ${name} block of ${mdPath}`);
};

if (write && variant !== 'results') writeBlock(variant);
if (write && variant === 'results') {
  const curve = (f: (runs: RunOutcome[]) => { run: number; costUsd: number }[]): CurvePoint[] =>
    results.flatMap((r) => f(r.runs).map((p) => ({ strategy: r.label, ...p })));
  const quality: QualityPoint[] = results.flatMap((r) => [
    {
      strategy: r.label,
      workload: 'mixed',
      costUsd: mixedFigures(r.runs).costUsd,
      correctPct: mixedFigures(r.runs).correct * 100,
    },
    ...profiles.map((p) => {
      const f = profileFigures(r.runs, p);
      return { strategy: r.label, workload: p, costUsd: f.costUsd, correctPct: f.correct * 100 };
    }),
  ]);
  writeFileSync(
    path.join(benchDir, 'economics-learning-curve.svg'),
    await renderSvg(
      learningCurveSpec(
        curve((r) => rollingCost(r, curveWidth)),
        curve(cumulativeCost),
        curveWidth,
      ),
    ),
  );
  writeFileSync(path.join(benchDir, 'economics-cost-quality.svg'), await renderSvg(costQualitySpec(quality)));
  writeBlock('results');
  console.log('wrote the two SVGs next to it');
}
