import { defineConfig } from 'tsdown';

/**
 * The published build: the library and the `laneflow` command as ESM with declarations, the example
 * DAGs bundled in, and the built dashboard copied to dist/dashboard (build it first). The monorepo
 * itself runs from src/.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
  },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  noExternal: ['@laneflow/examples'],
  fixedExtension: false,
  copy: [{ from: '../dashboard/dist', to: 'dist', rename: 'dashboard' }],
  plugins: [
    {
      // The source runs through tsx in the monorepo; the published command runs on plain Node.
      name: 'node-hashbang',
      renderChunk: (code, chunk) =>
        chunk.name === 'cli' ? code.replace(/^#!.*\n/, '#!/usr/bin/env node\n') : null,
    },
  ],
});
