import { type DagRecord, type DagVersionList, validateDag } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { type Db, openPglite } from '../src/db.ts';
import { migrate } from '../src/migrations.ts';
import { createStore } from '../src/store.ts';

const spec = (prompt: string, extra: object = {}) => {
  const r = validateDag({ id: 'brief', name: 'Brief', nodes: [{ id: 'a', kind: 'llm', prompt }], ...extra });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};

describe('DAG versions API', () => {
  let db: Db;
  let app: ReturnType<typeof createApp>;
  const get = async <T>(path: string) => {
    const res = await app.request(path, { headers: { authorization: 'Bearer v' } });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    db = await openPglite('memory://');
    await migrate(db);
    const store = createStore(db);
    await store.saveDag(spec('first'));
    await store.saveDag(
      spec('second', {
        nodes: [
          { id: 'a', kind: 'llm', prompt: 'second' },
          { id: 'b', kind: 'approval', prompt: 'ok?' },
        ],
        edges: [{ source: 'a', target: 'b' }],
      }),
    );
    await store.saveDag({ ...spec('other'), id: 'gone' });
    await store.deleteDag('gone');
    app = createApp({
      store,
      runs: {} as never,
      auth: {
        authenticate: (t: string | undefined) => (t === 'v' ? { name: 'v', role: 'viewer' } : undefined),
      } as never,
      ladder: [],
      corsOrigins: [],
      maxBodyBytes: 1000,
      version: 'test',
    });
  }, 60_000);
  afterAll(() => db.close());

  it('lists every saved version, newest first, with its size', async () => {
    const r = await get<DagVersionList>('/api/dags/brief/versions');
    expect(r.status).toBe(200);
    expect(r.body.id).toBe('brief');
    expect(r.body.versions.map((v) => [v.version, v.name, v.nodes, v.edges])).toEqual([
      [2, 'Brief', 2, 1],
      [1, 'Brief', 1, 0],
    ]);
    expect(Date.parse(r.body.versions[0]?.updatedAt ?? '')).toBeGreaterThan(0);
  });

  it('returns one version as a DAG record', async () => {
    const r = await get<DagRecord>('/api/dags/brief/versions/1');
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(1);
    expect(r.body.spec.nodes).toEqual([{ id: 'a', kind: 'llm', prompt: 'first' }]);
  });

  it('answers 404 for a missing or deleted DAG or version, and 400 for a version that is not one', async () => {
    expect((await get('/api/dags/nope/versions')).status).toBe(404);
    expect((await get('/api/dags/gone/versions')).status).toBe(404);
    expect((await get('/api/dags/brief/versions/3')).status).toBe(404);
    expect((await get('/api/dags/bad%00id/versions')).status).toBe(400);
    for (const v of ['0', '-1', '1.5', 'x', '99999999999'])
      expect((await get<{ error: { code: string } }>(`/api/dags/brief/versions/${v}`)).body.error.code).toBe(
        'invalid_request',
      );
  });
});
