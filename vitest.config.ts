import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    // The server and SDK suites mostly wait (PostgreSQL, child servers, timers): more files than cores fit.
    maxWorkers: 3,
  },
});
