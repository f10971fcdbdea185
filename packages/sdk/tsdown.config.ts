import { defineConfig } from 'tsdown';

/** The published build: ESM with declarations and source maps. The monorepo itself runs from src/. */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    react: 'src/react/index.ts',
    'worker-entry': 'src/worker/worker-entry.ts',
    'shared-worker-entry': 'src/worker/shared-worker-entry.ts',
  },
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
});
