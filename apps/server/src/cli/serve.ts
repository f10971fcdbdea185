import { readConfig } from '../config.ts';
import { startServer } from '../server.ts';
import { UsageError } from './usage.ts';

/** `laneflow serve` / `laneflow worker`: runs until SIGINT or SIGTERM. */
export const serve = async (args: string[], o: { worker: boolean; dashboardDist: string }) => {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(args, { ...process.env, ...(o.worker && { LANEFLOW_CLUSTER: '1' }) });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (o.worker && !config.cluster)
    throw new UsageError('`laneflow worker` needs DATABASE_URL (a shared PostgreSQL)');
  const server = await startServer({
    ...config,
    dashboardDist: o.dashboardDist,
    ...(o.worker && { http: false }),
  });
  if (o.worker)
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
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  await server.close();
};
