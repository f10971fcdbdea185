import { HealthSchema, WhoAmISchema } from '@laneflow/core';
import { z } from 'zod';
import type { Store } from '../store.ts';
import { route, router } from './route.ts';

const health = route({
  method: 'get',
  path: '/api/health',
  summary: 'Liveness; the one route without a token',
  role: 'public',
  ok: { status: 200, schema: HealthSchema },
});
const me = route({
  method: 'get',
  path: '/api/me',
  summary: 'The caller: name and role',
  role: 'viewer',
  ok: { status: 200, schema: WhoAmISchema },
});

const doc = route({
  method: 'get',
  path: '/api/openapi.json',
  summary: 'This document',
  role: 'viewer',
  ok: { status: 200, schema: z.record(z.string(), z.unknown()) },
});

/** Health (before authentication) and the caller. */
export const healthRoute = (store: Store, version: string) =>
  router().openapi(health, (c) => c.json({ ok: true as const, version, store: store.db.kind }, 200));

export const meRoute = () => router().openapi(me, (c) => c.json(c.get('principal'), 200));

/** `GET /api/openapi.json`: the document of every operation mounted on `app`, itself included. */
export const documentRoute = (app: ReturnType<typeof router>, version: string) => {
  let cached: unknown;
  return router().openapi(doc, (c) => {
    cached ??= app.getOpenAPIDocument({
      openapi: '3.0.3',
      info: { title: 'laneflow', version },
      security: [{ bearer: [] }],
    });
    return c.json(cached as Record<string, unknown>, 200);
  });
};
