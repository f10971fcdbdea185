import {
  autoTier,
  CancelBodySchema,
  type DagSpec,
  IdParamSchema,
  invalidDagMessage,
  isHumanTier,
  type Ladder,
  lanes,
  OkSchema,
  RunConfigError,
  RunListQuerySchema,
  RunListSchema,
  RunSnapshotSchema,
  resolveTierRef,
  SeqPositionSchema,
  SignalPageSchema,
  SignalSchema,
  SignalsQuerySchema,
  StartRunBodySchema,
  StartRunResponseSchema,
  type StartTier,
  snapshotNodes,
  validateDag,
} from '@laneflow/core';
import { z } from 'zod';
import { checkEndpoints } from '../endpoints.ts';
import { HttpError } from '../http-error.ts';
import { runInputs } from '../inputs.ts';
import { streamRun } from '../sse.ts';
import { InvalidCursorError } from '../store.ts';
import { body } from '../validate.ts';
import { type RouteDeps, route, router } from './route.ts';

const IdParams = z.object({ id: IdParamSchema });

/** A stream's resume position from `Last-Event-ID`, range-checked before it reaches SQL. */
const resumeHeader = (raw: string | undefined): number | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  const r = SeqPositionSchema.safeParse(raw);
  if (r.success) return r.data;
  throw new HttpError(400, 'invalid_request', `Last-Event-ID "${raw.slice(0, 40)}" is not a seq`, [
    { path: 'Last-Event-ID', code: 'invalid_seq', message: r.error.issues[0]?.message ?? 'is not a seq' },
  ]);
};

/** A run's default start tier is `"auto"` or a model tier of the ladder the run uses. */
const checkStartTier = (startTier: StartTier, ladder: Ladder) => {
  if (startTier === autoTier) return;
  const i = resolveTierRef(startTier, ladder);
  if (i !== undefined && !isHumanTier(ladder[i])) return;
  const tiers = ladder.filter((t) => !isHumanTier(t)).map((t) => t.name);
  const message = `must be "auto" or a model tier of the run's ladder (${tiers.join(', ')})`;
  throw new HttpError(400, 'invalid_request', `invalid body: startTier ${message}`, [
    { path: 'startTier', code: 'unknown_tier', message },
  ]);
};

const start = route({
  method: 'post',
  path: '/api/runs',
  summary: 'Start a run of a saved DAG (dagId) or an inline one (dag)',
  role: 'operator',
  body: { schema: StartRunBodySchema },
  ok: { status: 201, schema: StartRunResponseSchema },
  errors: [404, 413],
});
const list = route({
  method: 'get',
  path: '/api/runs',
  summary: 'List runs, newest first',
  role: 'viewer',
  request: { query: RunListQuerySchema },
  ok: { status: 200, schema: RunListSchema },
});
const get = route({
  method: 'get',
  path: '/api/runs/{id}',
  summary: 'Run snapshot: its summary, DAG and projection',
  role: 'viewer',
  request: { params: IdParams },
  ok: { status: 200, schema: RunSnapshotSchema },
  errors: [404],
});
const signals = route({
  method: 'get',
  path: '/api/runs/{id}/signals',
  summary: 'Committed signals after a seq',
  role: 'viewer',
  request: { params: IdParams, query: SignalsQuerySchema },
  ok: { status: 200, schema: SignalPageSchema },
  errors: [404],
});
const events = route({
  method: 'get',
  path: '/api/runs/{id}/events',
  summary:
    'Live signals (SSE: id = seq, event: signal, then event: end); resumes after Last-Event-ID or ?after=; the one route that also takes ?access_token=',
  role: 'viewer',
  request: {
    params: IdParams,
    query: z.object({ after: SeqPositionSchema.optional(), access_token: z.string().optional() }),
    headers: z.object({ 'last-event-id': z.string().optional() }),
  },
  ok: { status: 200, schema: SignalSchema, sse: true },
  errors: [404],
});
const cancel = route({
  method: 'post',
  path: '/api/runs/{id}/cancel',
  summary: 'Cancel a run; answers once its end is committed',
  role: 'operator',
  request: { params: IdParams },
  body: { schema: CancelBodySchema, optional: true },
  ok: { status: 202, schema: OkSchema },
  errors: [404, 409, 503],
});

/** Runs: start, list, snapshot, committed signals, the live stream, cancel. */
export const runRoutes = ({ store, runs, auth, ladder, heartbeatMs, streams }: RouteDeps) => {
  const r = router();
  r.openapi(start, async (c) => {
    const b = await body(c, StartRunBodySchema);
    let dag: DagSpec;
    let dagVersion: number | null = null;
    if (b.dagId !== undefined) {
      const rec = await store.getDag(b.dagId);
      if (!rec) throw new HttpError(404, 'not_found', `no DAG "${b.dagId}"`);
      dag = rec.spec;
      dagVersion = rec.version;
    } else {
      const r = validateDag(b.dag);
      if (!r.ok) throw new HttpError(400, 'invalid_dag', invalidDagMessage(r.issues), r.issues);
      dag = r.value;
    }
    const inputs = runInputs(dag, b.inputs);
    // A DAG saved before this check, or one naming its own ladder inline, is held to the same rule.
    checkEndpoints(
      [
        { ladder: b.ladder, path: 'ladder' },
        { ladder: dag.ladder, path: b.dagId !== undefined ? `dag "${b.dagId}".ladder` : 'dag.ladder' },
      ],
      ladder,
    );
    if (b.startTier !== undefined) checkStartTier(b.startTier, b.ladder ?? dag.ladder ?? ladder);
    try {
      const runId = await runs.start(dag, {
        dagVersion,
        by: c.get('principal').name,
        inputs,
        ...(b.ladder && { ladder: b.ladder }),
        ...(b.startTier !== undefined && { startTier: b.startTier }),
      });
      return c.json({ runId }, 201);
    } catch (err) {
      if (err instanceof RunConfigError) throw new HttpError(400, 'invalid_run', err.message);
      throw err;
    }
  });
  r.openapi(list, async (c) => {
    try {
      return c.json(await store.listRuns(c.req.valid('query')), 200);
    } catch (err) {
      if (err instanceof InvalidCursorError)
        throw new HttpError(400, 'invalid_request', err.message, [
          { path: 'cursor', code: 'invalid_cursor', message: 'use the nextCursor of a previous page' },
        ]);
      throw err;
    }
  });
  r.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const run = await store.getRun(id);
    if (!run) throw new HttpError(404, 'not_found', `no run "${id}"`);
    const view = await runs.view(run.summary.id);
    const live = runs.live(run.summary.id);
    return c.json(
      {
        run: live ? { ...run.summary, status: live.view.status, lastSeq: live.view.lastSeq } : run.summary,
        dag: run.dag,
        ...(run.inputs && { inputs: run.inputs }),
        lastSeq: view?.lastSeq ?? 0,
        counts: view?.counts ?? Object.fromEntries(lanes.map((l) => [l, 0])),
        nodes: view ? snapshotNodes(view) : [],
      } as z.input<typeof RunSnapshotSchema>,
      200,
    );
  });
  r.openapi(signals, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    if (!(await store.runSummary(id))) throw new HttpError(404, 'not_found', `no run "${id}"`);
    return c.json({ signals: await runs.signalsAfter(id, q.after, q.limit) }, 200);
  });
  r.openapi(events, async (c) => {
    const { id } = c.req.valid('param');
    const header = resumeHeader(c.req.header('last-event-id'));
    const after = header ?? c.req.valid('query').after ?? 0;
    const run = await store.runSummary(id);
    if (!run) throw new HttpError(404, 'not_found', `no run "${id}"`);
    // A client can only have seen committed signals, and the summary's seq commits with them: a
    // position past it was never sent, and following from it would skip the signals still to come.
    if (after > run.lastSeq) {
      const field = header === undefined ? 'after' : 'Last-Event-ID';
      throw new HttpError(400, 'invalid_request', `${field} ${after} is past the run's last signal`, [
        { path: field, code: 'past_last_seq', message: `must be at most ${run.lastSeq}, the run's last seq` },
      ]);
    }
    const principal = c.get('principal');
    return streamRun(c, runs, id, after, heartbeatMs, streams, (close) =>
      auth.hold(principal, close),
    ) as never;
  });
  r.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    const b = await body(c, CancelBodySchema);
    const run = await store.runSummary(id);
    if (!run) throw new HttpError(404, 'not_found', `no run "${id}"`);
    if (!(await runs.cancel(run.id, b.reason ?? `cancelled by ${c.get('principal').name}`)))
      throw new HttpError(409, 'run_finished', `run ${run.id} has already ended (${run.status})`);
    return c.json({ ok: true as const }, 202);
  });
  return r;
};
