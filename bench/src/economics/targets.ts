import type { RunOutcome } from './measure.ts';
import { profiles } from './suite.ts';
import { mixedFigures, pairedCorrectDiff, profileFigures } from './summary.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const saving = (x: number, base: number) => 1 - x / base;
const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');

/**
 * The targets, judged on the learned policy's runs after the first `warmup` (its history then holds
 * at least that many runs), against the cascade and always-top over the same runs (same questions).
 */
export const targetsText = (
  cascade: RunOutcome[],
  top: RunOutcome[],
  policy: RunOutcome[],
  warmup = 50,
): string => {
  const after = <T>(xs: T[]) => xs.slice(warmup);
  const p = mixedFigures(after(policy));
  const c = mixedFigures(after(cascade));
  const t = mixedFigures(after(top));
  const vsTop = saving(p.costUsd, t.costUsd);
  const vsCascade = saving(p.costUsd, c.costUsd);
  const diff = pairedCorrectDiff(after(policy), after(top));
  const lines = [
    `### Targets (learned policy, runs ${warmup + 1}–${policy.length}, i.e. with at least ${warmup} runs of history)`,
    '',
    `- At least 40% cheaper than always top at equal or better correctness: ${pct(vsTop)} cheaper ` +
      `($${p.costUsd.toFixed(4)} vs $${t.costUsd.toFixed(4)} per run); correct ${pct(p.correct)} vs ${pct(t.correct)}, ` +
      `paired difference ${(diff.diff * 100).toFixed(2)} points (95% interval ${(diff.low * 100).toFixed(2)} to ${(diff.high * 100).toFixed(2)}). ` +
      `Cost ${verdict(vsTop >= 0.4)}; correctness ${verdict(diff.diff >= 0)}${diff.diff < 0 && diff.high >= 0 ? ' (within the noise: the interval includes 0)' : ''}.`,
    `- At least 15% cheaper than today's cascade on the mixed workload: ${pct(vsCascade)} ` +
      `($${p.costUsd.toFixed(4)} vs $${c.costUsd.toFixed(4)} per run): ${verdict(vsCascade >= 0.15)}.`,
    '- Never more than 5% more expensive than the cascade on any profile:',
  ];
  for (const profile of profiles) {
    const pp = profileFigures(after(policy), profile);
    const pc = profileFigures(after(cascade), profile);
    const extra = pp.costUsd / pc.costUsd - 1;
    lines.push(
      `  - ${profile}: $${pp.costUsd.toFixed(4)} vs $${pc.costUsd.toFixed(4)} per node run (${extra >= 0 ? '+' : '−'}${pct(Math.abs(extra))}): ${verdict(extra <= 0.05)}`,
    );
  }
  return lines.join('\n');
};
