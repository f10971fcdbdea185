import type { RunOutcome } from './measure.ts';
import { datasets, prices } from './published.ts';
import { callLatencyMs, outputTokensOf, profiles, suite, tierModels, tierNames } from './suite.ts';
import { type Figures, mixedFigures, pairedCorrectDiff, profileFigures, startTiers } from './summary.ts';

export interface StrategyResult {
  key: string;
  label: string;
  runs: RunOutcome[];
}

const usd = (x: number) => `$${x.toFixed(4)}`;
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)}`;
const change = (x: number, base: number) =>
  `${x <= base ? '−' : '+'}${Math.abs((1 - x / base) * 100).toFixed(1)}%`;

const row = (label: string, f: Figures, top: Figures, cascade: Figures) =>
  `| ${label} | ${f.runs} | ${usd(f.costUsd)} | ${change(f.costUsd, top.costUsd)} | ${change(f.costUsd, cascade.costUsd)} | ${pct(f.correct)} | ${pct(f.delivered)} | ${minutes(f.p50Ms)} / ${minutes(f.p95Ms)} |`;

const header = [
  '| strategy | runs | USD per run | vs always top | vs cascade | correct answers | passed the gate | latency p50 / p95 (min) |',
  '| --- | --: | --: | --: | --: | --: | --: | --: |',
];

/** Markdown tables of every strategy's figures; `windows` adds rows for slices of one strategy's runs. */
export const reportTables = (
  results: StrategyResult[],
  windows: { key: string; label: string; from: number; to: number }[],
  hindsightTiers: Record<string, number>,
  warmup: number,
): string => {
  const by = new Map(results.map((r) => [r.key, r]));
  const runsOf = (key: string) => (by.get(key) as StrategyResult).runs;
  const top = mixedFigures(runsOf('top'));
  const cascade = mixedFigures(runsOf('cascade'));
  const lines: string[] = ['### Mixed workload (every node in every run)', '', ...header];
  for (const r of results) lines.push(row(r.label, mixedFigures(r.runs), top, cascade));
  for (const w of windows) {
    const slice = (by.get(w.key)?.runs ?? []).slice(w.from - 1, w.to);
    if (slice.length === 0) continue;
    const c = mixedFigures(runsOf('cascade').slice(w.from - 1, w.to));
    const t = mixedFigures(runsOf('top').slice(w.from - 1, w.to));
    lines.push(row(`${w.label}, runs ${w.from}–${w.to} (against the same runs)`, mixedFigures(slice), t, c));
  }
  lines.push(
    '',
    'Correct answers per node against always top, paired over the same questions (95% interval):',
    '',
  );
  for (const r of results)
    if (r.key !== 'top') {
      const d = pairedCorrectDiff(r.runs, runsOf('top'));
      lines.push(
        `- ${r.label}: ${(d.diff * 100).toFixed(2)} points (${(d.low * 100).toFixed(2)} to ${(d.high * 100).toFixed(2)})`,
      );
    }
  lines.push('', '### Per profile (USD and latency per node run)', '');
  lines.push(
    '| profile | strategy | USD per node run | vs always top | vs cascade | correct | passed the gate | latency p50 / p95 (min) |',
    '| --- | --- | --: | --: | --: | --: | --: | --: |',
  );
  for (const p of profiles) {
    const pt = profileFigures(runsOf('top'), p);
    const pc = profileFigures(runsOf('cascade'), p);
    for (const r of results) {
      const f = profileFigures(r.runs, p);
      lines.push(
        `| ${p} | ${r.label} | ${usd(f.costUsd)} | ${change(f.costUsd, pt.costUsd)} | ${change(f.costUsd, pc.costUsd)} | ${pct(f.correct)} | ${pct(f.delivered)} | ${minutes(f.p50Ms)} / ${minutes(f.p95Ms)} |`,
      );
    }
  }
  lines.push(
    '',
    `### Where each node started (learned policy: runs ${warmup + 1}–${runsOf('cascade').length})`,
    '',
  );
  lines.push(
    '| node | profile | best fixed tier in hindsight | learned: starts small / medium / large | of which below the best to explore | learned: lowest expected cost at small / medium / large | by start tier: runs, USD the policy expected → USD paid (mean per node run) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  const policyRuns = results.filter((r) => r.key === 'learned').flatMap((r) => r.runs.slice(warmup));
  const starts = startTiers(policyRuns);
  for (const n of suite) {
    const nodes = policyRuns.flatMap((r) => r.nodes.filter((x) => x.id === n.id));
    const explored = nodes.filter((x) => x.policy?.explored).length;
    const best = [0, 1, 2].map((t) => nodes.filter((x) => x.policy?.best === t).length);
    const paid = [0, 1, 2]
      .map((t) => nodes.filter((x) => x.startTier === t))
      .map((xs, t) =>
        xs.length === 0
          ? ''
          : `${tierNames[t]}: ${xs.length}, ${usd(avg(xs.map((x) => x.policy?.expectedUsd ?? Number.NaN)))} → ${usd(avg(xs.map((x) => x.costUsd)))}`,
      )
      .filter((x) => x !== '');
    lines.push(
      `| ${n.id} | ${n.profile} | ${tierNames[hindsightTiers[n.id] ?? 0]} | ${(starts[n.id] ?? []).join(' / ')} | ${explored} | ${best.join(' / ')} | ${paid.join('; ')} |`,
    );
  }
  return lines.join('\n');
};

/** The inputs per node and tier: published figures and what the bench derives from them. */
export const inputsTable = (): string => {
  const lines = [
    '| node (profile) | dataset, questions | tier: model | accuracy (Table 9) | dataset cost (Table 10) | derived: USD per answer | output tokens | latency per call (s) |',
    '| --- | --- | --- | --: | --: | --: | --: | --: |',
  ];
  for (const n of suite)
    tierModels.forEach((key, t) => {
      const d = datasets[n.dataset];
      const tokens = outputTokensOf(n.dataset, t);
      lines.push(
        `| ${n.id} (${n.profile}) | ${d.name}, ${d.samples} | ${tierNames[t]}: ${prices[key].model} | ${d.accuracyPct[key].toFixed(2)}% | $${d.totalCostUsd[key].toFixed(2)} | $${(d.totalCostUsd[key] / d.samples).toFixed(5)} | ${tokens} | ${(callLatencyMs(tokens) / 1000).toFixed(1)} |`,
      );
    });
  return lines.join('\n');
};
