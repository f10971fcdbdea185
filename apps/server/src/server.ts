import { createServer, type Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createOpenAIProvider, trustedApiKeys, validateDag } from '@laneflow/core';
import { exampleDags } from '@laneflow/examples';
import { createApp } from './app.ts';
import { createAuth, parseTokenEnv } from './auth.ts';
import type { ServerConfig } from './config.ts';
import { openDb } from './db.ts';
import { migrate } from './migrations.ts';
import { createRunManager } from './runs.ts';
import { mountSite } from './site.ts';
import { createStore } from './store.ts';

export const version = '0.1.0';

/**
 * Opens the store, migrates it, loads the example DAGs, resumes unfinished runs and listens.
 * Resolves once the server accepts connections.
 */
export const startServer = async (
  config: ServerConfig & { dashboardDist?: string; heartbeatMs?: number },
) => {
  const db = await openDb(config);
  await migrate(db);
  const store = createStore(db);
  const auth = await createAuth(store, parseTokenEnv(config.tokensEnv));
  if (config.loadExamples)
    for (const raw of exampleDags) {
      const r = validateDag(raw);
      if (r.ok && !(await store.getDag(r.value.id))) await store.saveDag(r.value);
    }
  // API keys come from this process's env, and only for the endpoints of the server's own ladder.
  const openai = createOpenAIProvider({ apiKey: trustedApiKeys(config.ladder, process.env) });
  const runs = createRunManager({ store, ladder: config.ladder, providers: { openai } });
  const recovered = await runs.recover();
  const app = createApp({
    store,
    runs,
    auth,
    ladder: config.ladder,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    version,
    ...(config.heartbeatMs !== undefined && { heartbeatMs: config.heartbeatMs }),
    ...(config.dashboardDist && { site: mountSite(config.dashboardDist) as never }),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port, createServer }, () =>
      resolve(s),
    );
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
      await db.close();
    },
  };
};
