import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from '../scripts/chromium.ts';

/**
 * One real server (started by the global setup, which builds the dashboard first) serves both the API
 * and the dashboard; tests run in Debian's Chromium, since Playwright cannot download browsers here.
 */
export default defineConfig({
  testDir: './tests',
  globalSetup: './src/global-setup.ts',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // PGlite's first open takes 3-10 s here and runs are real (simulated models with latency).
  timeout: 180_000,
  expect: { timeout: 30_000 },
  // scripts/test.mjs reads the JSON report from PLAYWRIGHT_JSON_OUTPUT_NAME; by hand it goes to test-results/.
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/report.json' }],
  ],
  outputDir: './test-results',
  use: {
    viewport: { width: 1440, height: 900 },
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunch,
  },
});
