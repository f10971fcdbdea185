#!/usr/bin/env -S npx tsx
// `laneflow` / `pnpm start`: the server on the embedded database, with the example DAGs loaded.
// `laneflow worker`: no HTTP, only executes queued runs (cluster mode: DATABASE_URL and LANEFLOW_CLUSTER=1).
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.ts';
import { startServer } from './server.ts';

const worker = process.argv[2] === 'worker';
/** A configuration or start-up problem is one line on stderr and exit code 2, not a stack trace. */
const refuse = (err: unknown): never => {
  console.error(`laneflow: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
};
const readOrRefuse = () => {
  try {
    const c = readConfig(process.argv.slice(worker ? 3 : 2), {
      ...process.env,
      ...(worker && { LANEFLOW_CLUSTER: '1' }),
    });
    if (worker && !c.cluster) throw new Error('`laneflow worker` needs DATABASE_URL (a shared PostgreSQL)');
    return c;
  } catch (err) {
    return refuse(err);
  }
};
const config = readOrRefuse();
const server = await startServer({
  ...config,
  dashboardDist: fileURLToPath(new URL('../../dashboard/dist', import.meta.url)),
  ...(worker && { http: false }),
}).catch(refuse);
if (worker)
  console.log(`laneflow worker ready (store: PostgreSQL, ${config.cluster?.concurrency} runs at once)`);
else
  console.log(
    `laneflow listening on ${server.url} (store: ${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`}${config.cluster ? ', cluster' : ''})`,
  );
if (server.recovered.length > 0) console.log(`resumed ${server.recovered.length} unfinished run(s)`);
if (server.loginUrl)
  console.log(
    `${config.rotateAdminToken ? 'admin token rotated' : 'first start'}: sign in as admin with ${server.loginUrl}\n(the token is shown only once; it is stored hashed)`,
  );
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    void server.close().then(() => process.exit(0));
  });
