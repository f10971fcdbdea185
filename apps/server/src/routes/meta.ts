import { HealthSchema, type Ladder, PublicLadderSchema, WhoAmISchema } from '@laneflow/core';
import { z } from 'zod';
import type { Store } from '../store.ts';
import { route, router, sharedSchemaComponents } from './route.ts';

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

const ladderRoute = route({
  method: 'get',
  path: '/api/ladder',
  summary: "The server's default ladder (names, providers, models, prices), for choosing tiers",
  role: 'viewer',
  ok: { status: 200, schema: PublicLadderSchema },
});

/** The ladder runs use unless they bring their own: what the editor offers as tiers. */
export const ladderRoutes = (ladder: Ladder) =>
  router().openapi(ladderRoute, (c) =>
    c.json(
      {
        ladder: ladder.map(({ name, provider, model, costPer1kInput, costPer1kOutput }) => ({
          name,
          provider,
          model,
          costPer1kInput,
          costPer1kOutput,
        })),
      },
      200,
    ),
  );

/** Health (before authentication) and the caller. */
export const healthRoute = (store: Store, version: string) =>
  router().openapi(health, (c) => c.json({ ok: true as const, version, store: store.db.kind }, 200));

export const meRoute = () => router().openapi(me, (c) => c.json(c.get('principal'), 200));

/** `GET /api/openapi.json`: the document of every operation mounted on `app`, itself included. */
export const documentRoute = (app: ReturnType<typeof router>, version: string) => {
  let cached: unknown;
  return router().openapi(doc, (c) => {
    if (cached === undefined) {
      const generated = app.getOpenAPIDocument({
        openapi: '3.0.3',
        info: { title: 'laneflow', version },
        security: [{ bearer: [] }],
      });
      cached = {
        ...generated,
        components: {
          ...generated.components,
          schemas: { ...generated.components?.schemas, ...sharedSchemaComponents() },
        },
      };
    }
    return c.json(cached as Record<string, unknown>, 200);
  });
};
