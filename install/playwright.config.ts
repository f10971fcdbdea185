import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from '../scripts/chromium.ts';

/**
 * The packages as a user gets them: the global setup builds and packs them, and installs the
 * tarballs with npm into a fresh project outside the workspace; each test uses them from there.
 */
export default defineConfig({
  testDir: 'tests',
  globalSetup: './src/setup.ts',
  timeout: 240_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  outputDir: 'test-results',
  use: { headless: true, launchOptions: chromiumLaunch },
});
