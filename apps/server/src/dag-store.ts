import type { DagRecord, DagSpec, DagSummary } from '@laneflow/core';
import type { Db } from './db.ts';
import { iso } from './row-time.ts';

/** The DAG library: every saved version of a DAG, the newest one current; deleting hides the DAG. */
export const createDagStore = (db: Db) => ({
  async saveDag(spec: DagSpec): Promise<DagRecord> {
    return db.transaction(async (tx) => {
      const [row] = await tx.query<{ v: number | null }>('select max(version) as v from dags where id = $1', [
        spec.id,
      ]);
      const version = (row?.v ?? 0) + 1;
      const [saved] = await tx.query(
        'insert into dags (id, version, name, spec) values ($1, $2, $3, $4::jsonb) returning created_at',
        [spec.id, version, spec.name ?? null, JSON.stringify({ ...spec, version })],
      );
      return {
        id: spec.id,
        version,
        ...(spec.name !== undefined && { name: spec.name }),
        updatedAt: iso(saved?.created_at),
        spec: { ...spec, version },
      };
    });
  },

  async getDag(id: string): Promise<DagRecord | undefined> {
    const [r] = await db.query(
      'select * from dags where id = $1 and not deleted order by version desc limit 1',
      [id],
    );
    if (!r) return undefined;
    return {
      id: r.id as string,
      version: Number(r.version),
      ...(r.name !== null && { name: r.name as string }),
      updatedAt: iso(r.created_at),
      spec: r.spec as DagSpec,
    };
  },

  async listDags(): Promise<DagSummary[]> {
    const rows = await db.query(
      `select distinct on (id) id, version, name, created_at, jsonb_array_length(spec->'nodes') as nodes
       from dags where not deleted order by id, version desc`,
    );
    return rows.map((r) => ({
      id: r.id as string,
      version: Number(r.version),
      ...(r.name !== null && { name: r.name as string }),
      updatedAt: iso(r.created_at),
      nodes: Number(r.nodes),
    }));
  },

  /** Soft delete: runs keep the DAG they ran. */
  async deleteDag(id: string): Promise<boolean> {
    const rows = await db.query('update dags set deleted = true where id = $1 and not deleted returning id', [
      id,
    ]);
    return rows.length > 0;
  },
});
