import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    // The multi-process test runs alone (scripts/test.mjs, LANEFLOW_CLUSTER_TEST=1): its four servers
    // and 50 runs would starve the timing-sensitive suites beside it on 2 cores.
    include: process.env.LANEFLOW_CLUSTER_TEST ? ['test/cluster.test.ts'] : ['test/**/*.test.ts'],
    exclude: process.env.LANEFLOW_CLUSTER_TEST ? [] : ['test/cluster.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Servers started in the test process log only warnings and errors (child servers log at info).
    env: { LANEFLOW_LOG_LEVEL: process.env.LANEFLOW_LOG_LEVEL ?? 'warn' },
    // PGlite's first open takes seconds on a loaded machine; a crash test restarts a child server.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
