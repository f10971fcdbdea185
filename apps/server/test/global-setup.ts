// Once for the whole server suite: a throwaway PostgreSQL cluster (each test file makes its own
// database in it) and a pristine PGlite data directory that files copy instead of creating their own
// (a fresh PGlite directory costs 20-50 s of WASM initdb on a loaded 2-core machine; a copy opens in ~3 s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../src/db.ts';
import { startPgCluster } from './pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgres://` URL of the cluster's maintenance database; files create their own databases. */
    pgAdminUrl: string;
    /** A closed, empty (unmigrated) PGlite data directory to copy. */
    pgliteTemplate: string;
  }
}

const makePgliteTemplate = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'laneflow-pglite-template-'));
  const data = join(dir, 'data');
  // Through the server's own opener: this is also the test of a first start on a new directory.
  const db = await openPglite(data);
  await db.query('select 1');
  await db.close();
  return { dir, data };
};

export default async function setup(project: TestProject) {
  const [cluster, template] = await Promise.all([startPgCluster(), makePgliteTemplate()]);
  project.provide('pgAdminUrl', cluster.urlFor('postgres'));
  project.provide('pgliteTemplate', template.data);
  return async () => {
    rmSync(template.dir, { recursive: true, force: true });
    await cluster.stop();
  };
}
