import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from '../../scripts/chromium.ts';

/**
 * The SDK's browser test: the local transport in Debian's Chromium with a real Web Worker and
 * IndexedDB. Playwright never downloads browsers here.
 */
export default defineConfig({
  testDir: 'test/browser',
  testMatch: '*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  // scripts/test.mjs sets PLAYWRIGHT_JSON_OUTPUT_NAME to collect the totals.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  outputDir: 'test-results',
  use: {
    headless: true,
    launchOptions: chromiumLaunch,
  },
});
