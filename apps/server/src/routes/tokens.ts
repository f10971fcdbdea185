import { CreatedTokenSchema, CreateTokenBodySchema, TokenListSchema, TokenNameSchema } from '@laneflow/core';
import { z } from 'zod';
import { tokenSource } from '../auth.ts';
import { HttpError } from '../http-error.ts';
import { body } from '../validate.ts';
import { type RouteDeps, route, router } from './route.ts';

const list = route({
  method: 'get',
  path: '/api/tokens',
  summary: 'Every token: name, role, source, creation time (never the token)',
  role: 'admin',
  ok: { status: 200, schema: TokenListSchema },
});
const create = route({
  method: 'post',
  path: '/api/tokens',
  summary: 'Create a token; the answer is the only time it is shown',
  role: 'admin',
  body: { schema: CreateTokenBodySchema },
  ok: { status: 201, schema: CreatedTokenSchema },
  errors: [409],
});
const revoke = route({
  method: 'delete',
  path: '/api/tokens/{name}',
  summary: 'Revoke a token at once (tokens from LANEFLOW_TOKENS are revoked there)',
  role: 'admin',
  request: { params: z.object({ name: TokenNameSchema }) },
  ok: { status: 204 },
  errors: [404, 409],
});

/** API tokens, for admins. Only hashes are stored; a name is unique across every source. */
export const tokenRoutes = ({ store, auth }: RouteDeps) => {
  const r = router();
  r.openapi(list, async (c) => {
    const tokens = (await store.tokens()).map((t) => ({
      name: t.name,
      role: t.role as 'viewer',
      source: tokenSource(t.id),
      createdAt: t.createdAt,
    }));
    return c.json({ tokens }, 200);
  });
  r.openapi(create, async (c) => {
    const b = await body(c, CreateTokenBodySchema);
    if ((await store.tokens()).some((t) => t.name === b.name))
      throw new HttpError(409, 'conflict', `a token named "${b.name}" exists; revoke it first`);
    const token = await auth.create(b.name, b.role);
    return c.json({ name: b.name, role: b.role, token }, 201);
  });
  r.openapi(revoke, async (c) => {
    const { name } = c.req.valid('param');
    const tokens = await store.tokens();
    const held = tokens.find((t) => t.name === name);
    if (!held) throw new HttpError(404, 'not_found', `no token named "${name}"`);
    if (tokenSource(held.id) === 'env')
      throw new HttpError(
        409,
        'from_environment',
        `"${name}" comes from LANEFLOW_TOKENS: remove it there and restart`,
      );
    // Without an admin nobody could create or revoke a token until a restart made a new one.
    if (held.role === 'admin' && tokens.filter((t) => t.role === 'admin').length === 1)
      throw new HttpError(409, 'last_admin', `"${name}" is the only admin token: create another admin first`);
    await store.deleteToken(held.id);
    await auth.changed();
    return c.body(null, 204);
  });
  return r;
};
