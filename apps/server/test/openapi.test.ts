// GET /api/openapi.json: an OpenAPI 3 document with every route of the API's contract, and no route the app
// does not have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { removeTempDirs, startTestServer, type TestServer, tok } from './helpers.ts';

afterAll(removeTempDirs);

/** The contract's routes, as `METHOD /path/{param}`. */
const designRoutes = [
  'GET /api/health',
  'GET /api/dags',
  'POST /api/dags',
  'GET /api/dags/{id}',
  'PUT /api/dags/{id}',
  'DELETE /api/dags/{id}',
  'POST /api/runs',
  'GET /api/runs',
  'GET /api/runs/{id}',
  'GET /api/runs/{id}/signals',
  'GET /api/runs/{id}/events',
  'POST /api/runs/{id}/cancel',
  'POST /api/runs/{id}/approvals/{approvalId}',
  'GET /api/approvals',
  'GET /api/openapi.json',
];

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the test.
  paths: Record<string, Record<string, any>>;
  components?: { securitySchemes?: Record<string, unknown> };
  security?: unknown[];
};

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('OpenAPI document', () => {
  let srv: TestServer;
  let doc: Doc;

  beforeAll(async () => {
    srv = await startTestServer('postgres', 'openapi');
    const r = await srv.call('GET', '/api/openapi.json', { token: tok.viewer });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    doc = r.body;
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('is OpenAPI 3 with info and bearer security', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toEqual({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components?.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('resolves every $ref inside the document (the recursive JSON value is one shared component)', () => {
    const refs = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.add(x);
          else walk(x);
        }
    };
    walk(doc);
    expect(refs.size).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^#\//);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
    expect(JSON.stringify(doc)).not.toContain('"definitions"');
  });

  it('documents every route of the contract', () => {
    expect(operations(doc)).toEqual(expect.arrayContaining(designRoutes));
  });

  it('documents exactly the routes the app serves', () => {
    const app = createApp({
      store: {} as never,
      runs: {} as never,
      auth: {} as never,
      ladder: [],
      corsOrigins: [],
      maxBodyBytes: 1,
      version: 'test',
      metrics: {} as never,
    });
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api') || r.path === '/metrics'))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect([...operations(doc)].sort()).toEqual([...new Set(served)].sort());
  });

  it('describes each operation: path parameters, bodies, success and error responses', () => {
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(typeof op.summary, where).toBe('string');
        const declared = (op.parameters ?? [])
          .filter((p: { in: string }) => p.in === 'path')
          .map((p: { name: string }) => p.name);
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(declared, where).toEqual(inPath);
        for (const p of op.parameters ?? []) expect(['path', 'query', 'header'], where).toContain(p.in);
        const codes = Object.keys(op.responses);
        expect(
          codes.some((c) => /^2\d\d$/.test(c)),
          where,
        ).toBe(true);
        // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the test.
        for (const [code, resp] of Object.entries(op.responses as Record<string, any>)) {
          expect(typeof resp.description, `${where} ${code}`).toBe('string');
          if (code === '204') continue;
          const content = resp.content as Record<string, { schema: unknown }>;
          expect(Object.keys(content).length, `${where} ${code}`).toBeGreaterThan(0);
          for (const c of Object.values(content)) expect(typeof c.schema, `${where} ${code}`).toBe('object');
        }
        if (where !== 'GET /api/health') expect(codes, where).toContain('401');
        else expect(codes, where).not.toContain('401');
        if (['POST', 'PUT'].includes(method.toUpperCase()) && !path.endsWith('/cancel'))
          expect(op.requestBody?.content?.['application/json']?.schema, where).toBeTypeOf('object');
      }
  });

  it('gives the right success codes, the event stream type, the query parameters and no-auth health', () => {
    const op = (m: string, p: string) => doc.paths[p]?.[m];
    expect(Object.keys(op('post', '/api/dags').responses)).toContain('201');
    expect(Object.keys(op('post', '/api/runs').responses)).toContain('201');
    expect(Object.keys(op('post', '/api/runs/{id}/cancel').responses)).toContain('202');
    expect(Object.keys(op('delete', '/api/dags/{id}').responses)).toContain('204');
    expect(Object.keys(op('get', '/api/runs/{id}/events').responses['200'].content)).toEqual([
      'text/event-stream',
    ]);
    const queryOf = (m: string, p: string) =>
      op(m, p)
        .parameters.filter((x: { in: string }) => x.in === 'query')
        .map((x: { name: string }) => x.name);
    expect(queryOf('get', '/api/runs')).toEqual(expect.arrayContaining(['status', 'limit', 'cursor']));
    expect(queryOf('get', '/api/runs/{id}/signals')).toEqual(expect.arrayContaining(['after', 'limit']));
    expect(queryOf('get', '/api/approvals')).toContain('status');
    // Health is the one route without a token.
    expect(op('get', '/api/health').security).toEqual([]);
    // A DAG body is described in full: its nodes are a union over the node kinds.
    const dagSchema = op('post', '/api/dags').requestBody.content['application/json'].schema;
    expect(dagSchema.properties.nodes.type).toBe('array');
    expect(JSON.stringify(dagSchema)).toMatch(/"approval"/);
  });
});
