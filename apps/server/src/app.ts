import {
  ApprovalListQuerySchema,
  CancelBodySchema,
  type DagSpec,
  DecisionBodySchema,
  type Ladder,
  lanes,
  type Role,
  RunConfigError,
  RunListQuerySchema,
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
import { errorResponse, HttpError } from './http-error.ts';
import { openApiDocument } from './openapi.ts';
import type { RunManager } from './runs.ts';
import { streamRun } from './sse.ts';
import { InvalidCursorError, type Store } from './store.ts';
import { body, query } from './validate.ts';

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

/**
 * A run may bring its own ladder, but the server only calls model endpoints its operator configured:
 * every tier that is not simulated or human must name a provider and base URL of the server's ladder.
 * Otherwise a client could make the server send requests (and keys) anywhere.
 */
const checkLadder = (ladder: Ladder, allowed: Ladder) => {
  const issues = ladder.flatMap((t, i) =>
    t.provider === 'sim' ||
    t.provider === 'human' ||
    allowed.some((a) => a.provider === t.provider && a.baseUrl === t.baseUrl)
      ? []
      : [
          {
            path: `ladder.${i}.baseUrl`,
            code: 'not_allowed',
            message: `${t.provider} at ${t.baseUrl ?? 'its default URL'} is not in the server's ladder`,
          },
        ],
  );
  if (issues.length > 0)
    throw new HttpError(
      400,
      'invalid_request',
      'the ladder names model endpoints this server does not use',
      issues,
    );
};

/** The HTTP API of DESIGN §6. */
export const createApp = (o: AppOptions) => {
  const { store, runs, auth } = o;
  const app = new Hono<Env>();

  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err.status, err.code, err.message, err.issues);
    console.error(err);
    return errorResponse(c, 500, 'internal', 'internal error');
  });
  app.notFound((c) => errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));

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

  app.get('/api/health', (c) => c.json({ ok: true as const, version: o.version, store: store.db.kind }));

  app.use('/api/*', async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    // EventSource cannot send headers, so the stream also accepts the token as a query parameter.
    const token = bearer ?? (c.req.path.endsWith('/events') ? c.req.query('access_token') : undefined);
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
    const dag = await store.getDag(c.req.param('id'));
    if (!dag) throw new HttpError(404, 'not_found', `no DAG "${c.req.param('id')}"`);
    return c.json(dag);
  });
  app.post('/api/dags', async (c) => {
    need(c, 'operator');
    const spec = validDag(await body(c, DagSpecBody));
    if (await store.getDag(spec.id))
      throw new HttpError(409, 'conflict', `DAG "${spec.id}" exists; PUT /api/dags/${spec.id} to update it`);
    return c.json(await store.saveDag(spec), 201);
  });
  app.put('/api/dags/:id', async (c) => {
    need(c, 'operator');
    const spec = validDag(await body(c, DagSpecBody));
    if (spec.id !== c.req.param('id'))
      throw new HttpError(
        400,
        'invalid_request',
        `body id "${spec.id}" does not match the URL's "${c.req.param('id')}"`,
        [{ path: 'id', code: 'mismatch', message: 'must equal the id in the URL' }],
      );
    return c.json(await store.saveDag(spec));
  });
  app.delete('/api/dags/:id', async (c) => {
    need(c, 'operator');
    if (!(await store.deleteDag(c.req.param('id'))))
      throw new HttpError(404, 'not_found', `no DAG "${c.req.param('id')}"`);
    return c.body(null, 204);
  });

  // ---- runs ----
  app.post('/api/runs', async (c) => {
    const p = need(c, 'operator');
    const b = await body(c, StartRunBodySchema);
    if (b.ladder) checkLadder(b.ladder, o.ladder);
    let dag: DagSpec;
    let dagVersion: number | null = null;
    if (b.dagId !== undefined) {
      const rec = await store.getDag(b.dagId);
      if (!rec) throw new HttpError(404, 'not_found', `no DAG "${b.dagId}"`);
      dag = rec.spec;
      dagVersion = rec.version;
    } else dag = validDag(b.dag);
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
    const run = await store.getRun(c.req.param('id'));
    if (!run) throw new HttpError(404, 'not_found', `no run "${c.req.param('id')}"`);
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
    const q = query(c, SignalsQuerySchema);
    if (!(await store.runSummary(c.req.param('id'))))
      throw new HttpError(404, 'not_found', `no run "${c.req.param('id')}"`);
    return c.json({ signals: await runs.signalsAfter(c.req.param('id'), q.after, q.limit) });
  });
  app.get('/api/runs/:id/events', async (c) => {
    const id = c.req.param('id');
    if (!(await store.runSummary(id))) throw new HttpError(404, 'not_found', `no run "${id}"`);
    const raw = c.req.header('last-event-id') ?? c.req.query('after') ?? '0';
    const after = Number(raw);
    if (!Number.isInteger(after) || after < 0)
      throw new HttpError(400, 'invalid_request', `resume position "${raw}" is not a seq`, [
        { path: 'after', code: 'invalid_type', message: 'must be a non-negative integer' },
      ]);
    return streamRun(c, runs, id, after, o.heartbeatMs ?? 15_000);
  });
  app.post('/api/runs/:id/cancel', async (c) => {
    need(c, 'operator');
    const b = await body(c, CancelBodySchema);
    const run = await store.runSummary(c.req.param('id'));
    if (!run) throw new HttpError(404, 'not_found', `no run "${c.req.param('id')}"`);
    if (!(await runs.cancel(run.id, b.reason ?? `cancelled by ${c.get('principal').name}`)))
      throw new HttpError(409, 'run_finished', `run ${run.id} has already ${run.status}`);
    return c.json({ ok: true }, 202);
  });
  app.post('/api/runs/:id/approvals/:approvalId', async (c) => {
    const p = need(c, 'approver');
    const b = await body(c, DecisionBodySchema);
    const runId = c.req.param('id');
    const approvalId = c.req.param('approvalId');
    const rec = await store.getApproval(approvalId);
    if (!rec || rec.runId !== runId)
      throw new HttpError(404, 'not_found', `no approval "${approvalId}" in run ${runId}`);
    const r = await runs.decide(runId, approvalId, { ...b, by: p.name });
    if (r === undefined) {
      // The run is not executing here any more: only a repeat of the recorded decision is accepted.
      if (rec.status === b.decision) return c.json({ ok: true as const, duplicate: true });
      throw new HttpError(
        409,
        rec.status === 'pending' ? 'run_finished' : 'conflict',
        `approval ${approvalId} is ${rec.status}`,
      );
    }
    if (!r.ok) throw new HttpError(r.code === 'unknown_approval' ? 404 : 409, r.code, r.message);
    return c.json({ ok: true as const, duplicate: r.duplicate });
  });
  app.get('/api/approvals', async (c) => {
    const q = query(c, ApprovalListQuerySchema);
    return c.json({ approvals: await store.listApprovals(q.status, q.limit) });
  });

  o.site?.(app);
  return app;
};
