// Tokens follow the environment across restarts on the same store: a removed entry is revoked, a
// changed token rotated; the first-start admin token is rotated with --rotate-admin-token and retired
// when the environment names an admin.
import { createHash } from 'node:crypto';
import { defaultLadder } from '@laneflow/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTokenEnv } from '../src/auth.ts';
import { openDb } from '../src/db.ts';
import { createLogger } from '../src/observe/log.ts';
import { startServer } from '../src/server.ts';
import { type Backend, backends, client, removeTempDirs, storageFor } from './helpers.ts';

afterAll(removeTempDirs);

/** A server on a free port, with the default ladder and no example DAGs; each test adds its store. */
const quietServer = {
  host: '127.0.0.1',
  port: 0,
  ladder: defaultLadder,
  corsOrigins: [],
  maxBodyBytes: 1_048_576,
  loadExamples: false,
};

describe.each(backends)('tokens on %s', (backend: Backend) => {
  /** Starts the server on `storage` with `tokensEnv`, returns what `check` saw, and stops it. */
  const withServer = async <T>(
    storage: { dataDir: string; databaseUrl?: string },
    opts: { tokensEnv?: string; rotateAdminToken?: boolean },
    check: (
      status: (token: string) => Promise<number>,
      loginUrl: string | undefined,
      call: ReturnType<typeof client>,
    ) => Promise<T>,
  ): Promise<T> => {
    const server = await startServer({
      ...quietServer,
      ...storage,
      ...(opts.tokensEnv && { tokensEnv: opts.tokensEnv }),
      ...(opts.rotateAdminToken && { rotateAdminToken: true }),
    });
    try {
      const call = client(server.url);
      return await check(
        async (token) => (await call('GET', '/api/me', { token })).status,
        server.loginUrl,
        call,
      );
    } finally {
      await server.close();
    }
  };
  const tokenRows = async (storage: { dataDir: string; databaseUrl?: string }) => {
    const db = await openDb(storage);
    try {
      return JSON.stringify(await db.query('select * from tokens'));
    } finally {
      await db.close();
    }
  };
  const tokenOf = (loginUrl: string | undefined) =>
    new URL(loginUrl as string).searchParams.get('token') as string;

  it('revokes a removed entry and rotates a changed one at the next start', async () => {
    const storage = await storageFor(backend, `tok_${backend}`);
    await withServer(
      storage,
      { tokensEnv: 'ci:operator:old-ci,ann:viewer:ann-1,root:admin:root-1' },
      async (status) => {
        expect(await status('old-ci')).toBe(200);
        expect(await status('ann-1')).toBe(200);
      },
    );
    // Only hashes are stored: no token's text is anywhere in the tokens table.
    const stored = await tokenRows(storage);
    expect(stored).not.toMatch(/old-ci|ann-1|root-1/);
    expect(stored).toContain(createHash('sha256').update('old-ci').digest('hex'));
    // ann removed, ci's token changed: the same name with a new token used to stop the server.
    await withServer(storage, { tokensEnv: 'ci:operator:new-ci,root:admin:root-1' }, async (status) => {
      expect(await status('old-ci')).toBe(401);
      expect(await status('new-ci')).toBe(200);
      expect(await status('ann-1')).toBe(401);
      expect(await status('root-1')).toBe(200);
    });
  });

  it('rotates the first-start admin token, and retires it when the environment names an admin', async () => {
    const storage = await storageFor(backend, `admin_${backend}`);
    const first = await withServer(storage, {}, async (status, loginUrl) => {
      expect(await status(tokenOf(loginUrl))).toBe(200);
      return tokenOf(loginUrl);
    });
    // A plain restart keeps it and prints nothing new.
    await withServer(storage, {}, async (status, loginUrl) => {
      expect(loginUrl).toBeUndefined();
      expect(await status(first)).toBe(200);
    });
    const rotated = await withServer(storage, { rotateAdminToken: true }, async (status, loginUrl) => {
      expect(await status(first)).toBe(401);
      expect(await status(tokenOf(loginUrl))).toBe(200);
      return tokenOf(loginUrl);
    });
    await withServer(storage, { tokensEnv: 'ops:admin:ops-1' }, async (status, loginUrl) => {
      expect(loginUrl).toBeUndefined();
      expect(await status(rotated)).toBe(401);
      expect(await status('ops-1')).toBe(200);
    });
  });

  it('keeps at least one admin: the only admin token cannot be revoked', async () => {
    const storage = await storageFor(backend, `last_admin_${backend}`);
    await withServer(storage, {}, async (status, loginUrl, call) => {
      const admin = tokenOf(loginUrl);
      const alone = await call('DELETE', '/api/tokens/admin', { token: admin });
      expect(alone.status).toBe(409);
      expect(alone.body.error.code).toBe('last_admin');
      expect(await status(admin)).toBe(200);
      const second = await call('POST', '/api/tokens', {
        token: admin,
        body: { name: 'second', role: 'admin' },
      });
      expect(second.status).toBe(201);
      // With another admin, either may go; then the one left stays.
      expect((await call('DELETE', '/api/tokens/admin', { token: second.body.token })).status).toBe(204);
      expect(await status(admin)).toBe(401);
      expect((await call('DELETE', '/api/tokens/second', { token: second.body.token })).status).toBe(409);
    });
  });
});

describe('LANEFLOW_TOKENS', () => {
  it('warns at start about a short token, naming its entry and never the token', async () => {
    const lines: string[] = [];
    const server = await startServer({
      ...quietServer,
      dataDir: 'memory://',
      tokensEnv: 'ci:operator:short-one,root:admin:a-long-random-token-of-32-chars!',
      logger: createLogger({ LANEFLOW_LOG_LEVEL: 'warn' }, { write: (l: string) => void lines.push(l) }),
    });
    await server.close();
    const warned = lines.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(warned).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringContaining('the token of "ci" has 9 characters; use 24 or more'),
      }),
    ]);
    expect(lines.join('')).not.toContain('short-one');
  });

  it('refuses a repeated name or token with a message naming the entry', () => {
    expect(() => parseTokenEnv('a:viewer:t1,a:admin:t2')).toThrow('"a" repeats an earlier entry');
    expect(() => parseTokenEnv('a:viewer:t1,b:admin:t1')).toThrow('"b" repeats an earlier entry');
    expect(() => parseTokenEnv('a:boss:t1')).toThrow('must be name:role:token');
    expect(parseTokenEnv(' a:viewer:t:1 , ')).toEqual([{ name: 'a', role: 'viewer', token: 't:1' }]);
  });
});
