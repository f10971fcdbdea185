import { readConfig } from '../config.ts';
import { createLogger } from '../observe/log.ts';
import { startServer } from '../server.ts';
import { UsageError } from './usage.ts';

/** `laneflow serve` / `laneflow worker`: runs until SIGINT or SIGTERM. */
export const serve = async (args: string[], o: { worker: boolean; dashboardDist: string }) => {
  let config: ReturnType<typeof readConfig>;
  let log: ReturnType<typeof createLogger>;
  try {
    config = readConfig(args, { ...process.env, ...(o.worker && { LANEFLOW_CLUSTER: '1' }) });
    log = createLogger(process.env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (o.worker && !config.cluster)
    throw new UsageError('`laneflow worker` needs DATABASE_URL (a shared PostgreSQL)');
  const server = await startServer({
    ...config,
    dashboardDist: o.dashboardDist,
    ...(o.worker && { http: false }),
    logger: log,
  });
  const store = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  if (o.worker)
    log.info(
      { store, concurrency: config.cluster?.concurrency },
      `laneflow worker ready (store: PostgreSQL, ${config.cluster?.concurrency} runs at once)`,
    );
  else
    log.info(
      { url: server.url, store, cluster: Boolean(config.cluster) },
      `laneflow listening on ${server.url} (store: ${store}${config.cluster ? ', cluster' : ''})`,
    );
  if (server.recovered.length > 0)
    log.info({ runIds: server.recovered }, `resumed ${server.recovered.length} unfinished run(s)`);
  // The one-time login URL carries the new admin token: it goes to the terminal (stderr), never into
  // the log stream, and is printed only by the start that created the token.
  if (server.loginUrl)
    process.stderr.write(
      `${config.rotateAdminToken ? 'admin token rotated' : 'first start'}: sign in as admin with ${server.loginUrl}\n(the token is shown only once; it is stored hashed)\n`,
    );
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  await server.close();
};
