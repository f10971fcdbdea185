import type { Ladder } from '@laneflow/core';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Auth } from './auth.ts';
import { NotCommittedError } from './committed-commands.ts';
import { securityHeaders } from './headers.ts';
import { errorResponse, HttpError } from './http-error.ts';
import { type Logger, silentLogger } from './observe/log.ts';
import type { Metrics } from './observe/metrics.ts';
import { mountReference } from './reference.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { dagRoutes } from './routes/dags.ts';
import { documentRoute, healthRoute, ladderRoutes, meRoute } from './routes/meta.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { type Env, type RouteDeps, router } from './routes/route.ts';
import { runRoutes } from './routes/runs.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import type { RunManager } from './runs.ts';
import type { Store } from './store.ts';
import type { WebhookDispatcher } from './webhooks/dispatcher.ts';

export interface AppOptions {
  store: Store;
  runs: RunManager;
  auth: Auth;
  ladder: Ladder;
  corsOrigins: string[];
  maxBodyBytes: number;
  /** Serves the dashboard (and anything else outside /api). */
  site?: (app: ReturnType<typeof router>) => void;
  version: string;
  heartbeatMs?: number;
  /** Webhook subscriptions and their delivery log (admins read them). */
  webhooks?: WebhookDispatcher;
  log?: Logger;
  /** `GET /metrics` (Prometheus) reads these. */
  metrics?: Metrics;
  /** HTTP server spans, when tracing is on. */
  httpTracing?: MiddlewareHandler;
}

/** Whether a router path (`/api/dags/:id`) names `path`: same segments, a `:param` any non-empty one. */
const servesPath = (pattern: string, path: string): boolean => {
  const want = pattern.split('/');
  const got = path.split('/');
  return (
    want.length === got.length && want.every((p, i) => (p.startsWith(':') ? got[i] !== '' : p === got[i]))
  );
};

/** The methods some route (not middleware) serves `path` with. */
const methodsServing = (routes: readonly { method: string; path: string }[], path: string): string[] => [
  ...new Set(routes.filter((r) => r.method !== 'ALL' && servesPath(r.path, path)).map((r) => r.method)),
];

/** The one route that accepts `?access_token=` (EventSource cannot send headers). */
const EVENTS_ROUTE = /^\/api\/runs\/[^/]+\/events$/;

/**
 * The HTTP API: shared middleware (headers, CORS, body limit, authentication), then one module per
 * resource. Each module declares its operations with their zod schemas, which are also the source of
 * `GET /api/openapi.json`, so the document lists exactly what is served.
 */
export const createApp = (o: AppOptions) => {
  const { store, auth } = o;
  const app = router();

  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err.status, err.code, err.message, err.issues);
    if (err instanceof NotCommittedError) return errorResponse(c, 503, 'not_committed', err.message);
    (o.log ?? silentLogger).error({ err, method: c.req.method, path: c.req.path }, 'internal error');
    return errorResponse(c, 500, 'internal', 'internal error');
  });
  app.notFound((c) => {
    // A path the API serves, asked with another method, is 405 with the methods it takes.
    const allowed = methodsServing(app.routes, c.req.path);
    if (allowed.length === 0)
      return errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`);
    c.header('Allow', allowed.join(', '));
    return errorResponse(
      c,
      405,
      'method_not_allowed',
      `${c.req.method} is not served at ${c.req.path}: use ${allowed.join(' or ')}`,
    );
  });
  if (o.httpTracing) app.use('*', o.httpTracing);
  app.use('*', securityHeaders);

  if (o.corsOrigins.length > 0)
    app.use(
      '/api/*',
      cors({ origin: o.corsOrigins, allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'] }),
    );
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: o.maxBodyBytes,
      onError: (c) => errorResponse(c, 413, 'too_large', `body exceeds ${o.maxBodyBytes} bytes`),
    }),
  );
  // A body is read whole before any answer, even a refusal: answering while the client is still
  // sending makes the connection unusable for its next request (the server drops what it did not read).
  app.use('/api/*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') await c.req.arrayBuffer();
    await next();
  });

  app.route('/', healthRoute(store, o.version));

  const authenticate: MiddlewareHandler<Env> = async (c, next) => {
    const header = c.req.header('authorization');
    // The scheme's name is case-insensitive (RFC 7235): "bearer" is "Bearer".
    const bearer = header && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    // EventSource cannot send headers, so the event stream, and nothing else, also accepts the token
    // as a query parameter (a DAG or approval whose id is "events" is not the event stream).
    const token =
      bearer ??
      (c.req.method === 'GET' && EVENTS_ROUTE.test(c.req.path) ? c.req.query('access_token') : undefined);
    const principal = auth.authenticate(token);
    if (!principal)
      return errorResponse(
        c,
        401,
        'unauthorized',
        token ? 'the token is not valid' : 'a bearer token is required',
      );
    c.set('principal', principal);
    await next();
  };
  app.use('/api/*', authenticate);
  // Prometheus scrapes with a bearer token too: an admin's or a `metrics` token.
  app.use('/metrics', authenticate);

  const deps: RouteDeps = {
    store,
    runs: o.runs,
    auth,
    ladder: o.ladder,
    heartbeatMs: o.heartbeatMs ?? 15_000,
    ...(o.metrics && { streams: o.metrics.sseClients }),
  };
  app.route('/', meRoute());
  app.route('/', ladderRoutes(o.ladder));
  app.route('/', dagRoutes(deps));
  app.route('/', runRoutes(deps));
  app.route('/', approvalRoutes(deps));
  app.route('/', tokenRoutes(deps));
  app.route('/', webhookRoutes(o.webhooks));
  app.route('/', metricsRoutes(o.metrics));

  app.route('/', documentRoute(app, o.version));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  mountReference(app);
  o.site?.(app);
  return app;
};
