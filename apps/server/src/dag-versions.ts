import { type DagRecord, type DagSpec, type DagVersionList, NodeIdSchema } from '@laneflow/core';
import type { Env, Hono } from 'hono';
import type { Sql } from './db.ts';
import { HttpError } from './http-error.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** Versions are positive int4 in the store; anything else names no version. */
const MAX_VERSION = 2_147_483_647;

/**
 * The saved versions of a DAG. Every save is a new row (the store never rewrites one), so the history
 * is already there; a deleted DAG has none, as it cannot be opened either.
 */
export const createDagVersionStore = (db: Sql) => ({
  async list(id: string): Promise<DagVersionList | undefined> {
    const rows = await db.query(
      `select version, name, created_at,
              jsonb_array_length(spec->'nodes') as nodes,
              coalesce(jsonb_array_length(spec->'edges'), 0) as edges
         from dags where id = $1 and not deleted order by version desc`,
      [id],
    );
    if (rows.length === 0) return undefined;
    return {
      id,
      versions: rows.map((r: Row) => ({
        version: Number(r.version),
        ...(r.name !== null && { name: r.name as string }),
        updatedAt: iso(r.created_at),
        nodes: Number(r.nodes),
        edges: Number(r.edges),
      })),
    };
  },

  async get(id: string, version: number): Promise<DagRecord | undefined> {
    const [r] = await db.query('select * from dags where id = $1 and version = $2 and not deleted', [
      id,
      version,
    ]);
    if (!r) return undefined;
    return {
      id,
      version,
      ...(r.name !== null && { name: r.name as string }),
      updatedAt: iso(r.created_at),
      spec: r.spec as DagSpec,
    };
  },
});

/** A DAG id from the URL; one the schema refuses (NUL, too long…) names no DAG and never reaches SQL. */
const dagId = (raw: string): string => {
  if (!NodeIdSchema.safeParse(raw).success) throw new HttpError(404, 'not_found', 'no such DAG');
  return raw;
};

const versionNumber = (raw: string): number => {
  const n = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n <= MAX_VERSION))
    throw new HttpError(400, 'invalid_request', `version "${raw.slice(0, 20)}" is not a version number`, [
      { path: 'version', code: 'invalid_version', message: `must be an integer from 1 to ${MAX_VERSION}` },
    ]);
  return n;
};

/**
 * `GET /api/dags/:id/versions` and `GET /api/dags/:id/versions/:version` (any signed-in role). A
 * version is restored by saving its spec again, which makes it the newest version.
 */
export const registerDagVersions = <E extends Env>(app: Hono<E>, db: Sql): void => {
  const versions = createDagVersionStore(db);
  app.get('/api/dags/:id/versions', async (c) => {
    const id = dagId(c.req.param('id'));
    const list = await versions.list(id);
    if (!list) throw new HttpError(404, 'not_found', `no DAG "${id}"`);
    return c.json(list);
  });
  app.get('/api/dags/:id/versions/:version', async (c) => {
    const id = dagId(c.req.param('id'));
    const version = versionNumber(c.req.param('version'));
    const rec = await versions.get(id, version);
    if (!rec) throw new HttpError(404, 'not_found', `DAG "${id}" has no version ${version}`);
    return c.json(rec);
  });
};
