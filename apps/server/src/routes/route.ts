import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { ErrorBodySchema, fromZodIssues, type Ladder, type Role, summarizeIssues } from '@laneflow/core';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { type Auth, allows, type Principal } from '../auth.ts';
import { errorResponse, HttpError } from '../http-error.ts';
import type { RunManager } from '../runs.ts';
import type { Store } from '../store.ts';

export type Env = { Variables: { principal: Principal } };

/** What every route module needs. */
export interface RouteDeps {
  store: Store;
  runs: RunManager;
  auth: Auth;
  ladder: Ladder;
  heartbeatMs: number;
  /** Counts open event streams (a metrics gauge). */
  streams?: { inc(): void; dec(): void };
}

/**
 * A router whose parameter and query checks answer like every other refusal: 400 `invalid_request`
 * with the failing fields (a path id's issue path is its name, e.g. `id`).
 */
export const router = () =>
  new OpenAPIHono<Env>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = fromZodIssues(result.error.issues);
      return errorResponse(
        c,
        400,
        'invalid_request',
        `invalid ${result.target === 'param' ? 'path' : result.target}: ${summarizeIssues(issues)}`,
        issues,
      );
    },
  });

/** Refuses a caller below `role` with 403, before anything of the request is read. */
const requireRole =
  (role: Role): MiddlewareHandler<Env> =>
  async (c, next) => {
    const p = c.get('principal');
    if (!allows(p.role, role))
      throw new HttpError(403, 'forbidden', `${p.name} is ${p.role}; this needs ${role}`);
    await next();
  };

/**
 * JSON Schema (OpenAPI 3.0 flavour) of a zod schema, made by zod itself: it handles the recursive JSON
 * values in signals and DAGs, which the OpenAPI generator would follow forever.
 */
const jsonSchema = (s: z.ZodType, io: 'input' | 'output') =>
  hoistDefinitions(z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' }));

/**
 * Recursive parts (the JSON value) that zod puts in a schema's own `definitions`, each kept once for
 * the document's `components.schemas`: a `#/definitions/…` reference inside an operation would point
 * at the document's root, where nothing is.
 */
const sharedSchemas = new Map<string, string>();

const hoistDefinitions = (schema: Record<string, unknown>): Record<string, unknown> => {
  const { definitions, ...rest } = schema as { definitions?: Record<string, unknown> };
  if (!definitions) return schema;
  let text = JSON.stringify(rest);
  for (const [key, def] of Object.entries(definitions)) {
    const local = `"#/definitions/${key}"`;
    // A definition refers to itself by its local key: compared without it, equal parts share a name.
    const shape = JSON.stringify(def).replaceAll(local, '"#self"');
    let name = [...sharedSchemas].find(([, s]) => s === shape)?.[0];
    if (!name) {
      name = sharedSchemas.size === 0 ? 'Json' : `Shared${sharedSchemas.size}`;
      sharedSchemas.set(name, shape);
    }
    text = text.replaceAll(local, `"#/components/schemas/${name}"`);
  }
  return JSON.parse(text) as Record<string, unknown>;
};

/** The shared parts as the document's `components.schemas` entries. */
export const sharedSchemaComponents = (): Record<string, unknown> =>
  Object.fromEntries(
    [...sharedSchemas].map(([name, shape]) => [
      name,
      JSON.parse(shape.replaceAll('"#self"', `"#/components/schemas/${name}"`)),
    ]),
  );

const error = {
  description: 'error',
  content: { 'application/json': { schema: jsonSchema(ErrorBodySchema, 'output') } },
};

type RouteConfig = Parameters<typeof createRoute>[0];

/**
 * One operation of the API: its OpenAPI entry, its least role (`x-laneflow-role`, enforced here) and
 * its error statuses. A request body is documented from its zod schema but read by the handler with
 * `body()`, which reports malformed JSON, unstorable text and depth before the schema runs.
 */
export const route = <R extends Omit<RouteConfig, 'responses'>>(
  config: R & {
    role: Role | 'public';
    body?: { schema: z.ZodType; optional?: boolean };
    ok: {
      status: 200 | 201 | 202 | 204;
      schema?: z.ZodType;
      sse?: boolean;
      /** A body that is not JSON (the schema then describes it as text). */
      mediaType?: string;
      description?: string;
    };
    errors?: number[];
  },
) => {
  const { role, body, ok, errors = [], ...rest } = config;
  return createRoute({
    ...rest,
    ...(role === 'public' ? { security: [] } : { 'x-laneflow-role': role, middleware: requireRole(role) }),
    ...(body && {
      request: {
        ...rest.request,
        body: {
          required: !body.optional,
          content: { 'application/json': { schema: jsonSchema(body.schema, 'input') } },
        },
      },
    }),
    responses: {
      [ok.status]: {
        description: ok.description ?? 'ok',
        ...(ok.schema && {
          content: {
            [ok.mediaType ?? (ok.sse ? 'text/event-stream' : 'application/json')]: {
              schema: jsonSchema(ok.schema, 'output'),
            },
          },
        }),
      },
      ...Object.fromEntries(
        [...new Set([400, ...(role === 'public' ? [] : [401, 403]), ...(body ? [415] : []), ...errors])].map(
          (s) => [s, error],
        ),
      ),
    },
  } as RouteConfig) as unknown as R & RouteConfig;
};
