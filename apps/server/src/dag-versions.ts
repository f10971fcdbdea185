import type { DagRecord, DagSpec, DagVersionList } from '@laneflow/core';
import type { Sql } from './db.ts';
import { iso } from './row-time.ts';

type Row = Record<string, unknown>;

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
