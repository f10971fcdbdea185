import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Role, roles } from '@laneflow/core';
import type { Store } from './store.ts';

export interface Principal {
  name: string;
  role: Role;
}

const rank = (r: Role) => roles.indexOf(r);
/** viewer < operator < approver < admin; `metrics` reads the metrics, as admins do, and nothing else. */
export const allows = (have: Role, need: Role): boolean =>
  need === 'metrics'
    ? have === 'metrics' || have === 'admin'
    : have !== 'metrics' && rank(have) >= rank(need);

const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

export const newToken = (): string => `lf_${randomBytes(24).toString('base64url')}`;

/**
 * `LANEFLOW_TOKENS`: comma-separated `name:role:token` entries, e.g.
 * `ci:operator:lf_abc,alice:approver:lf_def`.
 */
export const parseTokenEnv = (value: string | undefined): Array<Principal & { token: string }> => {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, role, ...rest] = entry.split(':');
      const token = rest.join(':');
      if (!name || !token || !(roles as readonly string[]).includes(role ?? ''))
        throw new Error(
          `LANEFLOW_TOKENS entry "${name ?? entry}" must be name:role:token with role in ${roles.join('|')}`,
        );
      return { name, role: role as Role, token };
    });
  for (const [i, e] of entries.entries())
    if (entries.findIndex((o) => o.name === e.name || o.token === e.token) !== i)
      throw new Error(`LANEFLOW_TOKENS: "${e.name}" repeats an earlier entry's name or token`);
  return entries;
};

/** The id of the admin token a first start creates (and `--rotate-admin-token` replaces). */
const FIRST_ADMIN = 'admin';
const envId = (name: string) => `env-${name}`;
/** Tokens created through the admin API. */
const apiId = (name: string) => `api-${name}`;

/** Where a stored token came from, by its id. */
export const tokenSource = (id: string): 'env' | 'api' | 'first-start' =>
  id.startsWith('env-') ? 'env' : id.startsWith('api-') ? 'api' : 'first-start';

/**
 * Bearer-token authentication. Only SHA-256 hashes are stored; a presented token is hashed and
 * compared with every known hash in constant time.
 *
 * Tokens from the environment follow it: each start makes the stored `env-*` tokens exactly the
 * environment's (a removed entry is revoked, a changed token rotated). The first-start admin token
 * exists while no admin comes from the environment; `rotateAdmin` replaces it with a new one.
 */
export const createAuth = async (
  store: Store,
  envTokens: ReturnType<typeof parseTokenEnv>,
  opts: {
    rotateAdmin?: boolean;
    /** Tells the other processes on the same store that the tokens changed (cluster mode). */
    announce?: () => Promise<void>;
  } = {},
) => {
  await store.replaceEnvTokens(
    envTokens.map((t) => ({
      id: envId(t.name),
      name: t.name,
      role: t.role,
      hash: hashToken(t.token).toString('hex'),
    })),
  );
  const envAdmin = envTokens.some((t) => t.role === 'admin');
  let firstAdmin: string | undefined;
  if (envAdmin && !opts.rotateAdmin) await store.deleteToken(FIRST_ADMIN);
  else if (opts.rotateAdmin || !(await store.tokens()).some((t) => t.role === 'admin')) {
    firstAdmin = newToken();
    await store.putToken({
      id: FIRST_ADMIN,
      name: 'admin',
      role: 'admin',
      hash: hashToken(firstAdmin).toString('hex'),
    });
  }
  const load = async () => (await store.tokens()).map((t) => ({ ...t, digest: Buffer.from(t.hash, 'hex') }));
  let known = await load();
  /** What open connections (event streams) hold, each with the principal that opened it. */
  const held = new Map<() => void, string>();
  /** Re-reads the stored tokens, after one was created or revoked (here, or in another process). */
  const refresh = async () => {
    known = await load();
    // A revoked token's open event streams close now, not only its next request.
    const names = new Set(known.map((t) => t.name));
    for (const [close, name] of held)
      if (!names.has(name)) {
        held.delete(close);
        close();
      }
  };
  /** The stored tokens changed here: reload them, and have every other process reload them too. */
  const changed = async () => {
    await refresh();
    await opts.announce?.();
  };
  return {
    /** The admin token this start created (printed once as a login URL), if it made one. */
    firstAdmin,
    changed,
    refresh,
    /** Holds `close` for `principal` until released; calls it if the principal's token is revoked. */
    hold(principal: Principal, close: () => void): () => void {
      held.set(close, principal.name);
      return () => held.delete(close);
    },
    /** A new random token `name` with `role`, stored as its hash; the token is returned once. */
    async create(name: string, role: Role): Promise<string> {
      const token = newToken();
      await store.putToken({ id: apiId(name), name, role, hash: hashToken(token).toString('hex') });
      await changed();
      return token;
    },
    authenticate(token: string | undefined): Principal | undefined {
      if (!token) return undefined;
      const digest = hashToken(token);
      let found: Principal | undefined;
      for (const t of known)
        if (timingSafeEqual(digest, t.digest)) found = { name: t.name, role: t.role as Role };
      return found;
    },
  };
};

export type Auth = Awaited<ReturnType<typeof createAuth>>;
