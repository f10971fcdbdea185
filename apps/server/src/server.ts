import { createServer, type Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createOpenAIProvider, trustedApiKeys, validateDag } from '@laneflow/core';
import { exampleDags } from '@laneflow/examples';
import { createApp } from './app.ts';
import { createAuth, parseTokenEnv } from './auth.ts';
import { type Cluster, createCluster, lockMigrations, SIGNALS_CHANNEL } from './cluster/index.ts';
import type { ServerConfig } from './config.ts';
import { openDb } from './db.ts';
import { migrate } from './migrations.ts';
import { createLogger, type Logger } from './observe/log.ts';
import { createMetrics } from './observe/metrics.ts';
import { runLog } from './observe/run-log.ts';
import { timedStore } from './observe/timed-store.ts';
import { createTracing } from './observe/tracing.ts';
import { createRunManager } from './runs.ts';
import { mountSite } from './site.ts';
import { createStore } from './store.ts';
import { notifyingStore } from './webhooks/committed.ts';
import { createWebhookDispatcher } from './webhooks/dispatcher.ts';

const PGLITE_COMMIT_LINGER_MS = 4;

export const version = '0.1.0';

/** Shorter tokens from the environment are guessable; they work, with a warning at start. */
const MIN_TOKEN_CHARS = 24;

/**
 * Opens the store, migrates it, loads the example DAGs, resumes unfinished runs and listens.
 * Resolves once the server accepts connections.
 */
export const startServer = async (
  config: ServerConfig & {
    dashboardDist?: string;
    heartbeatMs?: number;
    http?: boolean;
    /** JSON lines on stdout at `LANEFLOW_LOG_LEVEL` unless given. */
    logger?: Logger;
  },
) => {
  const log = config.logger ?? createLogger();
  const clustered = config.cluster && config.databaseUrl ? config.cluster : undefined;
  const db = await openDb(config);
  const unlockMigrations = clustered ? await lockMigrations(config.databaseUrl as string) : undefined;
  await migrate(db);
  await unlockMigrations?.();
  const cluster: Cluster | undefined = clustered
    ? await createCluster({
        databaseUrl: config.databaseUrl as string,
        ...clustered,
        log: process.env.LANEFLOW_CLUSTER_LOG
          ? (line) => log.info({ component: 'cluster' }, line)
          : undefined,
      })
    : undefined;
  const { halfLifeRuns, ...tierPolicy } = config.policy ?? {};
  const store = createStore(db, {
    ...(cluster && { notifyChannel: SIGNALS_CHANNEL }),
    ...(halfLifeRuns !== undefined && { halfLifeRuns }),
  });
  const envTokens = parseTokenEnv(config.tokensEnv);
  for (const t of envTokens)
    if (t.token.length < MIN_TOKEN_CHARS)
      log.warn(
        { token: t.name },
        `LANEFLOW_TOKENS: the token of "${t.name}" has ${t.token.length} characters; use ${MIN_TOKEN_CHARS} or more random ones (openssl rand -base64 24)`,
      );
  const auth = await createAuth(store, envTokens, {
    ...(config.rotateAdminToken && { rotateAdmin: true }),
    ...(cluster && { announce: cluster.announceTokens }),
  });
  cluster?.onTokens(() => auth.refresh());
  if (config.loadExamples)
    for (const raw of exampleDags) {
      const r = validateDag(raw);
      if (r.ok && !(await store.getDag(r.value.id))) await store.saveDag(r.value);
    }
  // API keys come from this process's env, and only for the endpoints of the server's own ladder.
  const openai = createOpenAIProvider({ apiKey: trustedApiKeys(config.ladder, process.env) });
  const webhooks = createWebhookDispatcher({
    webhooks: config.webhooks ?? [],
    runRef: (id) => store.runSummary(id),
  });
  // Everything that follows committed signals (webhooks, metrics, traces, run logs) is told once a
  // batch is committed, whichever process or life of the server started the run.
  const tracing = createTracing({
    env: process.env,
    version,
    history: async (runId, before) => await store.signals(runId, 0, before - 1),
    log,
  });
  let live = () => 0;
  const metrics = createMetrics({
    activeRuns: () => live(),
    approvalsWaiting: async () =>
      Number(
        (
          await store.db.query<{ n: number }>(
            `select count(*)::int as n from approvals where status = 'pending'`,
          )
        )[0]?.n ?? 0,
      ),
    approvalAskedAt: async (id) => (await store.getApproval(id))?.createdAt,
    ...(cluster && { queueDepth: cluster.queueDepth }),
  });
  const logRun = runLog(log, tracing?.traceIdOf);
  const runs = createRunManager({
    store: notifyingStore(timedStore(store, metrics), (runId, batch) => {
      webhooks.onCommitted(runId, batch);
      metrics.onCommitted(runId, batch);
      tracing?.onCommitted(runId, batch);
      logRun(runId, batch);
    }),
    log,
    ladder: config.ladder,
    providers: { openai },
    // A PGlite transaction never yields, so without a pause a commit holds ~1.5 signals
    // (bench/server.md, finding 2); 4 ms lets a busy run's timers fill it.
    ...(db.kind === 'pglite' && { commitLingerMs: PGLITE_COMMIT_LINGER_MS }),
    ...(cluster && { cluster: cluster.hooks }),
    tierPolicy,
  });
  live = runs.liveCount;
  // In a cluster, unfinished runs come back through the queue (pg-boss expiry and retry).
  const recovered = cluster ? [] : await runs.recover();
  cluster?.attach(runs, store);
  if (config.http === false)
    return {
      // A worker (no HTTP) has no address.
      url: '',
      port: 0,
      store,
      runs,
      recovered,
      loginUrl: undefined,
      async close() {
        webhooks.stop();
        runs.stop();
        await db.close();
        await cluster?.close();
        await tracing?.shutdown();
      },
    };
  const app = createApp({
    store,
    runs,
    auth,
    ladder: config.ladder,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    version,
    ...(config.heartbeatMs !== undefined && { heartbeatMs: config.heartbeatMs }),
    webhooks,
    log,
    metrics,
    ...(tracing && { httpTracing: tracing.http }),
    ...(config.dashboardDist && { site: mountSite(config.dashboardDist) as never }),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: app.fetch,
        hostname: config.host,
        port: config.port,
        createServer,
      },
      () => resolve(s),
    );
    // Idle connections outlive a load balancer's (commonly 60 s), so it is rarely the server that
    // closes a connection a client is about to reuse (Node's default is 5 s).
    (s as Server).keepAliveTimeout = 65_000;
    (s as Server).headersTimeout = 66_000;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  return {
    url,
    port,
    store,
    runs,
    recovered,
    /** Set only on the start that created the first admin token. */
    loginUrl: auth.firstAdmin ? `${url}/?token=${auth.firstAdmin}` : undefined,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams never end by themselves: after a grace period for requests in flight, cut
        // them (clients resume from their Last-Event-ID), or a SIGTERM would wait forever.
        setTimeout(() => (server as Server).closeAllConnections(), 1000).unref();
      });
      webhooks.stop();
      runs.stop();
      await db.close();
      await cluster?.close();
      await tracing?.shutdown();
    },
  };
};
