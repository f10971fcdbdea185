#!/usr/bin/env node
// The one test command (README, .ci/run): every suite, then one plain totals line for CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, '.test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status;

const totals = { passed: 0, failed: 0 };
const count = (file, read) => {
  if (!existsSync(file)) return false;
  const r = read(JSON.parse(readFileSync(file, 'utf8')));
  totals.passed += r.passed;
  totals.failed += r.failed;
  return true;
};

/** A file that failed without failing a test (it did not load, a hook threw) counts once. */
const vitestTotals = (j) => ({
  passed: j.numPassedTests,
  failed:
    j.numFailedTests +
    j.testResults.filter(
      (f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed'),
    ).length,
});

const suites = [
  {
    name: 'vitest',
    cmd: [
      'pnpm',
      [
        'exec',
        'vitest',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${out}/vitest.json`,
      ],
    ],
    file: join(out, 'vitest.json'),
    read: (j) => vitestTotals(j),
  },
  {
    name: 'vitest-cluster',
    cmd: [
      'pnpm',
      [
        'exec',
        'vitest',
        'run',
        '--project',
        'server',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${out}/vitest-cluster.json`,
      ],
    ],
    env: { LANEFLOW_CLUSTER_TEST: '1' },
    file: join(out, 'vitest-cluster.json'),
    read: (j) => vitestTotals(j),
  },
  {
    name: 'sdk-browser',
    cmd: ['pnpm', ['--filter', '@laneflow/sdk', 'exec', 'playwright', 'test']],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(out, 'playwright-sdk.json') },
    file: join(out, 'playwright-sdk.json'),
    read: (j) => ({ passed: j.stats.expected + j.stats.flaky, failed: j.stats.unexpected }),
  },
  {
    name: 'install',
    cmd: ['pnpm', ['--filter', '@laneflow/install', 'exec', 'playwright', 'test']],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(out, 'playwright-install.json') },
    file: join(out, 'playwright-install.json'),
    read: (j) => ({ passed: j.stats.expected + j.stats.flaky, failed: j.stats.unexpected }),
  },
  {
    name: 'playwright',
    when: () => existsSync(join(root, 'e2e/playwright.config.ts')),
    cmd: ['pnpm', ['--filter', '@laneflow/e2e', 'exec', 'playwright', 'test']],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(out, 'playwright.json') },
    file: join(out, 'playwright.json'),
    read: (j) => ({ passed: j.stats.expected + j.stats.flaky, failed: j.stats.unexpected }),
  },
];

// Lint, format and types count as one check each: the code as committed must pass them.
for (const [name, args] of [
  ['biome', ['exec', 'biome', 'check', '.']],
  ['typecheck', ['-r', 'typecheck']],
]) {
  const status = run('pnpm', args);
  if (status === 0) totals.passed++;
  else {
    console.error(`${name} exited with ${status}`);
    totals.failed++;
  }
}

for (const s of suites) {
  if (s.when && !s.when()) continue;
  const status = run(...s.cmd, s.env);
  const failedBefore = totals.failed;
  // A suite that crashed before writing its report, or failed without a failed test, counts as a failure.
  if (!count(s.file, s.read) || (status !== 0 && totals.failed === failedBefore)) {
    console.error(`${s.name} exited with ${status} without a complete report`);
    totals.failed++;
  }
}

console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
