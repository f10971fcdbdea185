// A fuzzer over every operation of the server's OpenAPI document, against the real server on each
// backend, with each role's token, a bad token and none. Hostile values go into every path, query,
// header and body field. Properties: no 5xx, the server keeps answering, a 4xx stores nothing, and a
// role never does what its operation's `x-laneflow-role` forbids.
//
// FUZZ_RUNS (requests per backend, default 300) and FUZZ_SEED (default 20261203) reproduce a run;
// fast-check prints the seed and the shrunk request of a failure.
import { type Role, roles } from '@laneflow/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows } from '../src/auth.ts';
import {
  approvalDag,
  backends,
  quickDag,
  removeTempDirs,
  startTestServer,
  type TestServer,
  tok,
  waitForRunEnd,
  waitForSignal,
} from './helpers.ts';

afterAll(removeTempDirs);

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);

interface Operation {
  method: string;
  path: string;
  params: string[];
  query: string[];
  body: boolean;
  role: Role | 'public';
}

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ name: string; in: string }>;
        requestBody?: unknown;
        security?: unknown[];
        'x-laneflow-role'?: Role;
      }
    >
  >;
};

const operations = (doc: Doc): Operation[] =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      body: op.requestBody !== undefined,
      role: op.security?.length === 0 ? 'public' : (op['x-laneflow-role'] ?? 'viewer'),
    })),
  );

// ---- hostile values -------------------------------------------------------------------------------

const hostileText = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '\udbff\udbff',
    '__proto__',
    'constructor',
    'prototype',
    '../../etc/passwd',
    '..%2F..%2Fetc',
    "'; drop table runs; --",
    "' or '1'='1",
    'events',
    '',
    ' ',
    '-1',
    '0',
    '1e400',
    '2147483648',
    '99999999999999999999',
    'NaN',
    'Infinity',
    '0x10',
    '{}',
    'null',
    'x'.repeat(5000),
    '😀',
    '<script>alert(1)</script>',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.double().map(String),
);

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(null, true, -1, 0, 1e308, -1e308, 2 ** 53, 1.5, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(hostileText, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** Percent-encodes every UTF-16 unit, lone surrogates too (as the 3-byte sequence a server must refuse). */
const encodeRaw = (s: string): string =>
  [...Array(s.length).keys()]
    .map((i) => {
      const u = s.charCodeAt(i);
      const pair =
        (u >= 0xd800 && u <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) ||
        (u >= 0xdc00 && u <= 0xdfff && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800);
      if (pair) return (u & 0xfc00) === 0xd800 ? encodeURIComponent(s.slice(i, i + 2)) : '';
      if (u >= 0xd800 && u <= 0xdfff)
        return [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      return encodeURIComponent(s[i] as string);
    })
    .join('');

const preEncoded = fc.constantFrom('%00', '%ED%A0%80', '%C0%80', '%E0', '%', '%2F', '%2e%2e', '%FF%FE');

// ---- requests -------------------------------------------------------------------------------------

interface Known {
  runId: string;
  finishedRun: string;
  approvalId: string;
}

type Token = keyof typeof tok | 'none' | 'bad';

interface Request {
  op: Operation;
  token: Token;
  params: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Sets `value` at a dotted `path` inside a copy of `base` (creating objects on the way). */
const setAt = (base: unknown, path: string[], value: unknown): unknown => {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const obj = (
    typeof base === 'object' && base !== null ? (Array.isArray(base) ? [...base] : { ...base }) : {}
  ) as Record<string, unknown>;
  Object.defineProperty(obj, head, {
    value: setAt(obj[head], rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return obj;
};

const baseBody = (op: Operation, params: Record<string, string>, known: Known): fc.Arbitrary<unknown> => {
  const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
  if (op.path === '/api/dags' || op.path === '/api/dags/{id}')
    return id.map((i) => ({ ...quickDag(op.method === 'PUT' ? (params.id ?? i) : `f-${i}`) }));
  if (op.path === '/api/runs')
    return fc.oneof(
      fc.constant({ dagId: 'flow' }),
      id.map((i) => ({ dag: quickDag(`inline-${i}`), inputs: { topic: i } })),
    );
  if (op.path.endsWith('/cancel')) return fc.constantFrom({}, { reason: 'fuzz' });
  if (op.path.includes('/approvals/'))
    return fc.record(
      { decision: fc.constantFrom('approved', 'rejected'), comment: fc.string(), output: fc.jsonValue() },
      { requiredKeys: ['decision'] },
    );
  return fc.constant(known.runId);
};

const fieldPaths = [
  ['id'],
  ['name'],
  ['nodes', '0', 'label'],
  ['nodes', '0', 'prompt'],
  ['nodes', '0', 'id'],
  ['nodes', '0', 'sim'],
  ['nodes', '1'],
  ['edges'],
  ['ladder'],
  ['ladder', '0', 'baseUrl'],
  ['inputs'],
  ['inputs', 'topic'],
  ['dagId'],
  ['dag'],
  ['dag', 'nodes', '0', 'prompt'],
  ['decision'],
  ['comment'],
  ['output'],
  ['reason'],
  ['__proto__'],
  ['constructor', 'prototype'],
];

const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

const bodyFor = (
  op: Operation,
  params: Record<string, string>,
  known: Known,
): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    // A valid body, or one with a single field replaced by something hostile.
    baseBody(op, params, known).map((b) => JSON.stringify(b)),
    fc
      .tuple(baseBody(op, params, known), fc.constantFrom(...fieldPaths), hostileJson)
      .map(([b, path, v]) => JSON.stringify(setAt(b, path, v))),
    hostileJson.map((v) => JSON.stringify(v)),
    fc.constantFrom(
      undefined,
      '',
      '{',
      '{"a":1}{',
      deep(70),
      deep(100_000),
      `{"dagId":"flow","inputs":{"x":${deep(5000)}}}`,
      '{"decision":"approved","comment":"\\u0000"}',
      '{"dagId":"\\ud800"}',
      '{"__proto__":{"admin":true},"dagId":"flow"}',
      '"\\u0000"',
    ),
  );

const pathValue = (known: Known): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .constantFrom(known.runId, known.finishedRun, known.approvalId, 'flow', 'events', 'missing')
      .map(encodeRaw),
    hostileText.map(encodeRaw),
    preEncoded,
  );

const queryValue = (name: string): fc.Arbitrary<string> =>
  fc.oneof(
    name === 'limit' || name === 'after'
      ? fc.integer({ min: -5, max: 6000 }).map(String)
      : name === 'status'
        ? fc.constantFrom('pending', 'running', 'succeeded', 'approved', 'expired')
        : fc.constant(
            Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000000Z', 'x'])).toString('base64url'),
          ),
    hostileText.map(encodeRaw),
    preEncoded,
  );

const requestFor = (op: Operation, known: Known): fc.Arbitrary<Request> =>
  fc
    .record({
      // Mostly real roles, so most requests get past authentication to the checks behind it.
      token: fc.oneof(
        fc.constantFrom<Token>('none', 'bad'),
        fc.constantFrom<Token>('viewer', 'operator', 'approver', 'admin'),
        fc.constantFrom<Token>('operator', 'approver', 'admin'),
      ),
      params: fc.record(Object.fromEntries(op.params.map((p) => [p, pathValue(known)]))) as fc.Arbitrary<
        Record<string, string>
      >,
      query: fc.array(
        fc.oneof(
          ...op.query.map((q) => fc.tuple(fc.constant(q), queryValue(q))),
          fc.tuple(fc.constantFrom('access_token', '__proto__', 'x'), fc.constantFrom(tok.admin, '%00', 'y')),
        ),
        { maxLength: 3 },
      ),
      headers: fc.record(
        {
          'last-event-id': fc.oneof(
            fc.integer({ min: -1, max: 2 ** 32 }).map(String),
            hostileText.map(encodeRaw),
          ),
          // Mostly JSON, so bodies reach validation; the rest must be refused (415) untouched.
          'content-type': fc.oneof(
            { arbitrary: fc.constant('application/json'), weight: 4 },
            fc.constantFrom('text/plain', 'application/x-www-form-urlencoded'),
          ),
        },
        { requiredKeys: ['content-type'] },
      ),
    })
    .chain((r) =>
      (op.body ? bodyFor(op, r.params, known) : fc.constant(undefined)).map((body) => ({ ...r, op, body })),
    );

const urlOf = (r: Request): string => {
  const path = r.op.path.replace(/\{(\w+)\}/g, (_, name: string) => r.params[name] ?? '');
  const qs = r.query.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
  return qs ? `${path}?${qs}` : path;
};

/** The token a request presents: its bearer, or on the event stream alone, `?access_token=`. */
const effectiveToken = (r: Request): Token => {
  if (r.token !== 'none' || r.op.path !== '/api/runs/{id}/events') return r.token;
  const query = r.query.find(([k]) => k === 'access_token')?.[1];
  const role = (Object.keys(tok) as Array<keyof typeof tok>).find((k) => tok[k] === query);
  return role ?? (query === undefined ? 'none' : 'bad');
};

/** What a caller may do: a real role at or above the operation's. */
const mayCall = (token: Token, role: Role | 'public'): boolean =>
  role === 'public' || ((roles as readonly string[]).includes(token) && allows(token as Role, role));

const fetchOrSay = async (prev: string, url: string, init: RequestInit) => {
  try {
    return await fetch(url, init);
  } catch (e) {
    throw new Error(`after ${prev}: ${(e as Error).cause}`);
  }
};

describe.each(backends)('fuzzing every route on %s', (backend) => {
  let srv: TestServer;
  let known: Known;
  /** What a 4xx must not change (signals and pending approvals grow by themselves as runs go on). */
  const writes = async () => {
    const [r] = await srv.server.store.db.query<Record<string, number>>(
      `select (select count(*)::int from dags) as dags,
              (select count(*)::int from dags where deleted) as deleted,
              (select count(*)::int from runs) as runs,
              (select count(*)::int from runs where status = 'cancelled') as cancelled,
              (select count(*)::int from approvals where status <> 'pending') as decided,
              (select count(*)::int from tokens) as tokens`,
    );
    return r;
  };

  beforeAll(async () => {
    srv = await startTestServer(backend, `fuzz_${backend}`);
    const call = srv.call;
    expect((await call('POST', '/api/dags', { body: approvalDag('flow') })).status).toBe(201);
    const waiting = (await call('POST', '/api/runs', { body: { dagId: 'flow' } })).body.runId as string;
    const asked = await waitForSignal(call, waiting, (s) => s.type === 'node.awaiting_approval', 'approval');
    const finished = (await call('POST', '/api/runs', { body: { dag: quickDag('quick') } })).body
      .runId as string;
    await waitForRunEnd(call, finished);
    known = {
      runId: waiting,
      finishedRun: finished,
      approvalId: (asked as { approvalId: string }).approvalId,
    };
  });
  afterAll(() => srv?.close());

  it(`answers ${RUNS} hostile requests with no 5xx, stores nothing on a 4xx, and keeps roles`, async () => {
    const ops = operations((await srv.call('GET', '/api/openapi.json')).body as Doc);
    let sent = 0;
    let prev = '';
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops).chain((op) => requestFor(op, known)),
        async (r) => {
          sent++;
          const before = await writes();
          const res = await fetchOrSay(prev, srv.url + urlOf(r), {
            method: r.op.method,
            headers: {
              ...r.headers,
              ...(r.token !== 'none' && {
                authorization: `Bearer ${r.token === 'bad' ? 'not-a-token' : tok[r.token]}`,
              }),
            },
            ...(r.body !== undefined && { body: r.body }),
          });
          // An event stream that opened is not read to its end.
          let text = '';
          if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel();
          else text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const what = `${r.op.method} ${urlOf(r).slice(0, 200)} as ${r.token} → ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          // An empty path segment can make the URL another route's, or none: roles are per operation.
          const noRoute = (res.status === 404 && text.includes('"no route ')) || res.status === 405;
          if (!mayCall(effectiveToken(r), r.op.role) && !noRoute)
            expect([401, 403], what).toContain(res.status);
          if (res.status >= 400) {
            expect(JSON.parse(text), what).toMatchObject({ error: { code: expect.any(String) } });
            expect(await writes(), what).toEqual(before);
          }
          expect((await fetch(`${srv.url}/api/health`)).status).toBe(200);
          prev = what;
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(
      `fuzz on ${backend}: ${sent} requests, seed ${SEED}; statuses ${[...statuses]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
  }, 600_000);
});
