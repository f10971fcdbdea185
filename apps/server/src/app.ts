import {
  ApprovalListQuerySchema,
  CancelBodySchema,
  type DagSpec,
  DecisionBodySchema,
  type Ladder,
  lanes,
  maxSeq,
  type Role,
  RunConfigError,
  RunListQuerySchema,
  SeqPositionSchema,
  SignalsQuerySchema,
  StartRunBodySchema,
  snapshotNodes,
  validateDag,
} from '@laneflow/core';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { z } from 'zod';
import { type Auth, allows, type Principal } from './auth.ts';
import { registerDagVersions } from './dag-versions.ts';
import { checkEndpoints } from './endpoints.ts';
import { securityHeaders } from './headers.ts';
import { errorResponse, HttpError } from './http-error.ts';
import { openApiDocument } from './openapi.ts';
import { NotCommittedError, type RunManager } from './runs.ts';
import { streamRun } from './sse.ts';
import { InvalidCursorError, type Store } from './store.ts';
import { body, param, query } from './validate.ts';

/** DAG bodies are checked by `validateDag`, which reports every problem with its path. */
const DagSpecBody = z.unknown();

export interface AppOptions {
  store: Store;
  runs: RunManager;
  auth: Auth;
  ladder: Ladder;
  corsOrigins: string[];
  maxBodyBytes: number;
  /** Serves the dashboard (and anything else outside /api). */
  site?: (app: Hono<Env>) => void;
  version: string;
  heartbeatMs?: number;
}

type Env = { Variables: { principal: Principal } };

const validDag = (input: unknown): DagSpec => {
  const r = validateDag(input);
  if (!r.ok) throw new HttpError(400, 'invalid_dag', `invalid DAG: ${r.issues.length} problem(s)`, r.issues);
  return r.value;
};

/** A stream's resume position (`Last-Event-ID` or `?after=`), range-checked before it reaches SQL. */
const resumePosition = (raw: string | undefined, field: string): number => {
  const r = SeqPositionSchema.safeParse(raw === undefined || raw.trim() === '' ? 0 : raw);
  if (r.success) return r.data;
  throw new HttpError(400, 'invalid_request', `${field} "${String(raw).slice(0, 40)}" is not a seq`, [
    { path: field, code: 'invalid_seq', message: `must be an integer from 0 to ${maxSeq}` },
  ]);
};

/** The one route that accepts `?access_token=` (EventSource cannot send headers). */
const EVENTS_ROUTE = /^\/api\/runs\/[^/]+\/events$/;

/** The HTTP API of DESIGN §6. */
export const createApp = (o: AppOptions) => {
  const { store, runs, auth } = o;
  const app = new Hono<Env>();

  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err.status, err.code, err.message, err.issues);
    if (err instanceof NotCommittedError) return errorResponse(c, 503, 'not_committed', err.message);
    console.error(err);
    return errorResponse(c, 500, 'internal', 'internal error');
  });
  app.notFound((c) => errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
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

  app.get('/api/health', (c) => c.json({ ok: true as const, version: o.version, store: store.db.kind }));

  app.use('/api/*', async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
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
  });

  const need = (c: Context<Env>, role: Role) => {
    const p = c.get('principal');
    if (!allows(p.role, role))
      throw new HttpError(403, 'forbidden', `${p.name} is ${p.role}; this needs ${role}`);
    return p;
  };

  app.get('/api/me', (c) => c.json(c.get('principal')));
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(o.version)));

  // ---- DAGs ----
  app.get('/api/dags', async (c) => c.json({ dags: await store.listDags() }));
  app.get('/api/dags/:id', async (c) => {
    const id = param(c, 'id');
    const dag = await store.getDag(id);
    if (!dag) throw new HttpError(404, 'not_found', `no DAG "${id}"`);
    return c.json(dag);
  });
  app.post('/api/dags', async (c) => {
    need(c, 'operator');
    const spec = validDag(await body(c, DagSpecBody));
    checkEndpoints([{ ladder: spec.ladder, path: 'ladder' }], o.ladder);
    if (await store.getDag(spec.id))
      throw new HttpError(409, 'conflict', `DAG "${spec.id}" exists; PUT /api/dags/${spec.id} to update it`);
    return c.json(await store.saveDag(spec), 201);
  });
  app.put('/api/dags/:id', async (c) => {
    need(c, 'operator');
    const id = param(c, 'id');
    const spec = validDag(await body(c, DagSpecBody));
    checkEndpoints([{ ladder: spec.ladder, path: 'ladder' }], o.ladder);
    if (spec.id !== id)
      throw new HttpError(400, 'invalid_request', `body id "${spec.id}" does not match the URL's "${id}"`, [
        { path: 'id', code: 'mismatch', message: 'must equal the id in the URL' },
      ]);
    return c.json(await store.saveDag(spec));
  });
  app.delete('/api/dags/:id', async (c) => {
    need(c, 'operator');
    const id = param(c, 'id');
    if (!(await store.deleteDag(id))) throw new HttpError(404, 'not_found', `no DAG "${id}"`);
    return c.body(null, 204);
  });

  // ---- runs ----
  app.post('/api/runs', async (c) => {
    const p = need(c, 'operator');
    const b = await body(c, StartRunBodySchema);
    let dag: DagSpec;
    let dagVersion: number | null = null;
    if (b.dagId !== undefined) {
      const rec = await store.getDag(b.dagId);
      if (!rec) throw new HttpError(404, 'not_found', `no DAG "${b.dagId}"`);
      dag = rec.spec;
      dagVersion = rec.version;
    } else dag = validDag(b.dag);
    // A DAG saved before this check, or one naming its own ladder inline, is held to the same rule.
    checkEndpoints(
      [
        { ladder: b.ladder, path: 'ladder' },
        { ladder: dag.ladder, path: b.dagId !== undefined ? `dag "${b.dagId}".ladder` : 'dag.ladder' },
      ],
      o.ladder,
    );
    try {
      const runId = await runs.start(dag, {
        dagVersion,
        by: p.name,
        ...(b.inputs && { inputs: b.inputs }),
        ...(b.ladder && { ladder: b.ladder }),
      });
      return c.json({ runId }, 201);
    } catch (err) {
      if (err instanceof RunConfigError) throw new HttpError(400, 'invalid_run', err.message);
      throw err;
    }
  });
  app.get('/api/runs', async (c) => {
    try {
      return c.json(await store.listRuns(query(c, RunListQuerySchema)));
    } catch (err) {
      if (err instanceof InvalidCursorError)
        throw new HttpError(400, 'invalid_request', err.message, [
          { path: 'cursor', code: 'invalid_cursor', message: 'use the nextCursor of a previous page' },
        ]);
      throw err;
    }
  });
  app.get('/api/runs/:id', async (c) => {
    const id = param(c, 'id');
    const run = await store.getRun(id);
    if (!run) throw new HttpError(404, 'not_found', `no run "${id}"`);
    const view = await runs.view(run.summary.id);
    const live = runs.live(run.summary.id);
    return c.json({
      run: live ? { ...run.summary, status: live.view.status, lastSeq: live.view.lastSeq } : run.summary,
      dag: run.dag,
      lastSeq: view?.lastSeq ?? 0,
      counts: view?.counts ?? Object.fromEntries(lanes.map((l) => [l, 0])),
      nodes: view ? snapshotNodes(view) : [],
    });
  });
  app.get('/api/runs/:id/signals', async (c) => {
    const id = param(c, 'id');
    const q = query(c, SignalsQuerySchema);
    if (!(await store.runSummary(id))) throw new HttpError(404, 'not_found', `no run "${id}"`);
    return c.json({ signals: await runs.signalsAfter(id, q.after, q.limit) });
  });
  app.get('/api/runs/:id/events', async (c) => {
    const id = param(c, 'id');
    if (!(await store.runSummary(id))) throw new HttpError(404, 'not_found', `no run "${id}"`);
    const header = c.req.header('last-event-id');
    const after = resumePosition(
      header ?? c.req.query('after'),
      header !== undefined ? 'Last-Event-ID' : 'after',
    );
    return streamRun(c, runs, id, after, o.heartbeatMs ?? 15_000);
  });
  app.post('/api/runs/:id/cancel', async (c) => {
    need(c, 'operator');
    const b = await body(c, CancelBodySchema);
    const id = param(c, 'id');
    const run = await store.runSummary(id);
    if (!run) throw new HttpError(404, 'not_found', `no run "${id}"`);
    if (!(await runs.cancel(run.id, b.reason ?? `cancelled by ${c.get('principal').name}`)))
      throw new HttpError(409, 'run_finished', `run ${run.id} has already ${run.status}`);
    return c.json({ ok: true }, 202);
  });
  app.post('/api/runs/:id/approvals/:approvalId', async (c) => {
    const p = need(c, 'approver');
    const b = await body(c, DecisionBodySchema);
    const runId = param(c, 'id');
    const approvalId = param(c, 'approvalId');
    const rec = await store.getApproval(approvalId);
    if (!rec || rec.runId !== runId)
      throw new HttpError(404, 'not_found', `no approval "${approvalId}" in run ${runId}`);
    const r = await runs.decide(runId, approvalId, { ...b, by: p.name });
    if (r === undefined || (!r.ok && (r.code === 'unknown_approval' || r.code === 'late'))) {
      // The run no longer waits for this approval (it ended, or is ending after a cancel): only a
      // repeat of the recorded decision is accepted; anything else is late, or conflicts with it.
      const now = (await store.getApproval(approvalId)) ?? rec;
      if (now.status === b.decision) return c.json({ ok: true as const, duplicate: true });
      const decided = now.status === 'approved' || now.status === 'rejected';
      throw new HttpError(
        409,
        decided ? 'conflict' : 'late',
        decided
          ? `approval ${approvalId} is already ${now.status}`
          : `approval ${approvalId} is ${now.status === 'pending' ? 'no longer awaited' : now.status}: its run has ended`,
      );
    }
    if (!r.ok) throw new HttpError(409, r.code, r.message);
    return c.json({ ok: true as const, duplicate: r.duplicate });
  });
  app.get('/api/approvals', async (c) => {
    const q = query(c, ApprovalListQuerySchema);
    return c.json({ approvals: await store.listApprovals(q.status, q.limit) });
  });

  registerDagVersions(app, store.db);
  o.site?.(app);
  return app;
};
