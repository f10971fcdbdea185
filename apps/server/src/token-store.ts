import type { Db, Sql } from './db.ts';
import { iso } from './row-time.ts';

export type TokenRow = { id: string; name: string; role: string; hash: string };

const putToken = async (tx: Sql, t: TokenRow) => {
  await tx.query('delete from tokens where hash = $1 and id <> $2', [t.hash, t.id]);
  await tx.query(
    `insert into tokens (id, name, role, hash) values ($1, $2, $3, $4)
     on conflict (id) do update set name = excluded.name, role = excluded.role, hash = excluded.hash`,
    [t.id, t.name, t.role, t.hash],
  );
};

/** The tokens table: only hashes, one holder per hash. */
export const createTokenStore = (db: Db) => ({
  async tokens(): Promise<Array<TokenRow & { createdAt: string }>> {
    const rows = await db.query(
      'select id, name, role, hash, created_at from tokens order by created_at, id',
    );
    return rows.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      role: r.role as string,
      hash: r.hash as string,
      createdAt: iso(r.created_at),
    }));
  },

  /** Stores a token under `id`, replacing that id's token and any other holder of the same hash. */
  async putToken(t: TokenRow): Promise<void> {
    await db.transaction((tx) => putToken(tx, t));
  },

  async deleteToken(id: string): Promise<void> {
    await db.query('delete from tokens where id = $1', [id]);
  },

  /** Makes the `env-*` tokens exactly `tokens`, in one transaction. */
  async replaceEnvTokens(tokens: TokenRow[]): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.query(`delete from tokens where id like 'env-%' and not (id = any($1::text[]))`, [
        tokens.map((t) => t.id),
      ]);
      for (const t of tokens) await putToken(tx, t);
    });
  },
});
