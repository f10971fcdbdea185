import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'sdk',
    include: ['test/**/*.test.{ts,tsx}'],
    // The browser test runs under Playwright (playwright.config.ts), not vitest.
    exclude: ['test/browser/**', '**/node_modules/**'],
    // PGlite's first open takes seconds on a loaded machine; the resilience suite restarts a server.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
