import type { DagRecord, DagSpec, DagSummary } from '@laneflow/core';
import type { Db } from './db.ts';
import { iso } from './row-time.ts';

/** A save based on `base` found a newer version of the DAG. */
export class StaleVersionError extends Error {
  constructor(
    readonly dagId: string,
    readonly newest: number,
  ) {
    super(`DAG "${dagId}" is at version ${newest}`);
  }
}

/** The DAG library: every saved version of a DAG, the newest one current; deleting hides the DAG. */
export const createDagStore = (db: Db) => ({
  /**
   * Saves `spec` as the DAG's next version. With `base`, only if the newest version (deleted or not)
   * is still `base`, or there is none: an edit of an older version must not silently replace the
   * work saved after it.
   */
  async saveDag(spec: DagSpec, base?: number): Promise<DagRecord> {
    for (;;) {
      const saved = await db.transaction(async (tx) => {
        const [row] = await tx.query<{ v: number | null }>(
          'select max(version) as v from dags where id = $1',
          [spec.id],
        );
        const newest = row?.v ?? 0;
        if (base !== undefined && newest > 0 && newest !== base) throw new StaleVersionError(spec.id, newest);
        const version = newest + 1;
        // A concurrent save may take the same version first: then nothing is inserted.
        const [inserted] = await tx.query(
          `insert into dags (id, version, name, spec) values ($1, $2, $3, $4::jsonb)
           on conflict (id, version) do nothing returning created_at`,
          [spec.id, version, spec.name ?? null, JSON.stringify({ ...spec, version })],
        );
        if (!inserted) return undefined;
        return {
          id: spec.id,
          version,
          ...(spec.name !== undefined && { name: spec.name }),
          updatedAt: iso(inserted.created_at),
          spec: { ...spec, version },
        };
      });
      // Lost to a concurrent save: read the newest again (a save from `base` is now stale).
      if (saved) return saved;
    }
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
