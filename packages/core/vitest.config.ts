import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'core',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Property tests over 10,000-node documents take seconds on a busy 2-core machine.
    testTimeout: 30_000,
  },
});
