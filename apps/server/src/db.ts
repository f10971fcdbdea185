import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The slice of SQL both PGlite and PostgreSQL give us. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: all of it commits, or none. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Embedded PostgreSQL (WASM) in a data directory; `memory://` keeps it in memory. */
export const openPglite = async (dataDir: string): Promise<Db> => {
  const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  const query = async <T>(text: string, params?: unknown[]) =>
    (await db.query<T>(text, params as unknown[])).rows;
  return {
    kind: 'pglite',
    query,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({ query: async <T>(t: string, p?: unknown[]) => (await tx.query<T>(t, p as unknown[])).rows }),
      ),
    close: () => db.close(),
  };
};

/** PostgreSQL through `pg`, from a connection string. */
export const openPostgres = async (url: string): Promise<Db> => {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[],
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: async <T>(t: string, p?: unknown[]) => (await client.query(t, p)).rows as T[],
        });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
};

/** PostgreSQL when `DATABASE_URL` is set, else embedded PGlite in `dataDir`. */
export const openDb = (opts: { databaseUrl?: string; dataDir: string }): Promise<Db> =>
  opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
