#!/usr/bin/env -S npx tsx
// `laneflow` / `pnpm start`: the server on the embedded database, with the example DAGs loaded.
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.ts';
import { startServer } from './server.ts';

const config = readConfig(process.argv.slice(2), process.env);
const server = await startServer({
  ...config,
  dashboardDist: fileURLToPath(new URL('../../dashboard/dist', import.meta.url)),
});
console.log(
  `laneflow listening on ${server.url} (store: ${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`})`,
);
if (server.recovered.length > 0) console.log(`resumed ${server.recovered.length} unfinished run(s)`);
if (server.loginUrl)
  console.log(
    `first start: sign in as admin with ${server.loginUrl}\n(the token is shown only once; it is stored hashed)`,
  );
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    void server.close().then(() => process.exit(0));
  });
