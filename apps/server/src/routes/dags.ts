import {
  DagEconomicsSchema,
  DagListSchema,
  DagRecordSchema,
  type DagSpec,
  DagSpecSchema,
  DagVersionListSchema,
  dagEconomics,
  EconomicsQuerySchema,
  IdParamSchema,
  invalidDagMessage,
  staleVersionError,
  validateDag,
  wholeNumberParam,
} from '@laneflow/core';
import { z } from 'zod';
import { StaleVersionError } from '../dag-store.ts';
import { createDagVersionStore } from '../dag-versions.ts';
import { checkEndpoints } from '../endpoints.ts';
import { HttpError } from '../http-error.ts';
import { body } from '../validate.ts';
import { type RouteDeps, route, router } from './route.ts';

const IdParams = z.object({ id: IdParamSchema });
/** Versions are positive int4 in the store; anything else names no version. */
const VersionParams = IdParams.extend({ version: wholeNumberParam(1, 2_147_483_647) });

/** DAG bodies are checked by `validateDag`, which reports every problem with its path. */
const validDag = (input: unknown): DagSpec => {
  const r = validateDag(input);
  if (!r.ok) throw new HttpError(400, 'invalid_dag', invalidDagMessage(r.issues), r.issues);
  return r.value;
};

const list = route({
  method: 'get',
  path: '/api/dags',
  summary: 'List DAGs',
  role: 'viewer',
  ok: { status: 200, schema: DagListSchema },
});
const get = route({
  method: 'get',
  path: '/api/dags/{id}',
  summary: 'A DAG, latest version',
  role: 'viewer',
  request: { params: IdParams },
  ok: { status: 200, schema: DagRecordSchema },
  errors: [404],
});
const create = route({
  method: 'post',
  path: '/api/dags',
  summary: 'Create a DAG',
  role: 'operator',
  body: { schema: DagSpecSchema },
  ok: { status: 201, schema: DagRecordSchema },
  errors: [409, 413],
});
const put = route({
  method: 'put',
  path: '/api/dags/{id}',
  summary:
    'Save a new version; 409 when `version` in the body (the one the edit started from) is not the newest',
  role: 'operator',
  request: { params: IdParams },
  body: { schema: DagSpecSchema },
  ok: { status: 200, schema: DagRecordSchema },
  errors: [409, 413],
});
const remove = route({
  method: 'delete',
  path: '/api/dags/{id}',
  summary: 'Delete a DAG (every version; runs keep theirs)',
  role: 'operator',
  request: { params: IdParams },
  ok: { status: 204 },
  errors: [404],
});
const versions = route({
  method: 'get',
  path: '/api/dags/{id}/versions',
  summary: "A DAG's saved versions, newest first",
  role: 'viewer',
  request: { params: IdParams },
  ok: { status: 200, schema: DagVersionListSchema },
  errors: [404],
});
const version = route({
  method: 'get',
  path: '/api/dags/{id}/versions/{version}',
  summary: 'One saved version (restore it by saving its spec)',
  role: 'viewer',
  request: { params: VersionParams },
  ok: { status: 200, schema: DagRecordSchema },
  errors: [404],
});

const economics = route({
  method: 'get',
  path: '/api/dags/{id}/economics',
  summary:
    "A DAG's economics: per node and tier, the decayed history the start-tier policy reads (pass rate, cost per step and call, tokens, escalations and their triggers, human decisions); per finished run, its cost by tier, the same work on the top tier, and the policy's expected saving",
  role: 'viewer',
  request: { params: IdParams, query: EconomicsQuerySchema },
  ok: { status: 200, schema: DagEconomicsSchema },
  errors: [404],
});

/** DAG documents: saved, versioned, soft-deleted; each one refused when a ladder names a foreign endpoint. */
export const dagRoutes = ({ store, ladder }: RouteDeps) => {
  const saved = createDagVersionStore(store.db);
  const checked = (spec: DagSpec) => {
    checkEndpoints([{ ladder: spec.ladder, path: 'ladder' }], ladder);
    return spec;
  };
  const r = router();
  r.openapi(list, async (c) => c.json({ dags: await store.listDags() }, 200));
  r.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const dag = await store.getDag(id);
    if (!dag) throw new HttpError(404, 'not_found', `no DAG "${id}"`);
    return c.json(dag, 200);
  });
  r.openapi(create, async (c) => {
    const spec = checked(validDag(await body(c, z.unknown())));
    if (await store.getDag(spec.id))
      throw new HttpError(409, 'conflict', `DAG "${spec.id}" exists; PUT /api/dags/${spec.id} to update it`);
    return c.json(await store.saveDag(spec), 201);
  });
  r.openapi(put, async (c) => {
    const { id } = c.req.valid('param');
    const spec = checked(validDag(await body(c, z.unknown())));
    if (spec.id !== id)
      throw new HttpError(400, 'invalid_request', `body id "${spec.id}" does not match the URL's "${id}"`, [
        { path: 'id', code: 'mismatch', message: 'must equal the id in the URL' },
      ]);
    // The body's version is the one the edit started from; without it the save is unconditional.
    try {
      return c.json(await store.saveDag(spec, spec.version), 200);
    } catch (err) {
      if (!(err instanceof StaleVersionError)) throw err;
      const e = staleVersionError(id, spec.version as number, err.newest);
      throw new HttpError(409, e.code, e.message, e.issues);
    }
  });
  r.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await store.deleteDag(id))) throw new HttpError(404, 'not_found', `no DAG "${id}"`);
    return c.body(null, 204);
  });
  r.openapi(versions, async (c) => {
    const { id } = c.req.valid('param');
    const found = await saved.list(id);
    if (!found) throw new HttpError(404, 'not_found', `no DAG "${id}"`);
    return c.json(found, 200);
  });
  r.openapi(version, async (c) => {
    const { id, version } = c.req.valid('param');
    const rec = await saved.get(id, version);
    if (!rec) throw new HttpError(404, 'not_found', `DAG "${id}" has no version ${version}`);
    return c.json(rec, 200);
  });
  r.openapi(economics, async (c) => {
    const { id } = c.req.valid('param');
    const { runs: limit } = c.req.valid('query');
    const [dag, history, runs] = await Promise.all([
      store.getDag(id),
      store.tierHistory(id),
      store.runCosts(id, limit),
    ]);
    if (!dag && runs.length === 0 && Object.keys(history).length === 0)
      throw new HttpError(404, 'not_found', `no DAG "${id}"`);
    const tiers = (dag?.spec.ladder ?? ladder).map((t) => t.name);
    return c.json(dagEconomics(id, history, runs, tiers), 200);
  });
  return r;
};
