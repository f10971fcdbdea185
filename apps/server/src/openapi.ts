import {
  ApprovalListQuerySchema,
  ApprovalListSchema,
  CancelBodySchema,
  DagRecordSchema,
  DagSpecSchema,
  DagSummarySchema,
  DecisionBodySchema,
  DecisionResponseSchema,
  ErrorBodySchema,
  HealthSchema,
  type Role,
  RunListQuerySchema,
  RunListSchema,
  RunSnapshotSchema,
  SignalSchema,
  SignalsQuerySchema,
  StartRunBodySchema,
  StartRunResponseSchema,
  WhoAmISchema,
} from '@laneflow/core';
import { z } from 'zod';

type Op = {
  summary: string;
  body?: z.ZodType;
  /** The body may be left out. */
  optionalBody?: boolean;
  /** Callable without a token. */
  public?: boolean;
  /** The least role that may call it (default viewer); documented as `x-laneflow-role`. */
  role?: Role;
  /** Error statuses beyond 400/401/403/404. */
  errors?: number[];
  query?: z.ZodObject;
  response: z.ZodType;
  status?: number;
  params?: string[];
  sse?: boolean;
};

const schema = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' });

const error = {
  description: 'error',
  content: { 'application/json': { schema: schema(ErrorBodySchema, 'output') } },
};

const operation = (op: Op) => ({
  summary: op.summary,
  ...(op.params || op.query
    ? {
        parameters: [
          ...(op.params ?? []).map((name) => ({
            name,
            in: 'path',
            required: true,
            schema: { type: 'string' },
          })),
          ...Object.entries(op.query?.shape ?? {}).map(([name, s]) => ({
            name,
            in: 'query',
            required: false,
            schema: schema(s as z.ZodType, 'input'),
          })),
        ],
      }
    : {}),
  ...(op.public ? { security: [] } : { 'x-laneflow-role': op.role ?? 'viewer' }),
  ...(op.body && {
    requestBody: {
      required: !op.optionalBody,
      content: { 'application/json': { schema: schema(op.body, 'input') } },
    },
  }),
  responses: {
    [String(op.status ?? 200)]: {
      description: 'ok',
      ...(op.status !== 204 && {
        content: op.sse
          ? { 'text/event-stream': { schema: schema(op.response, 'output') } }
          : { 'application/json': { schema: schema(op.response, 'output') } },
      }),
    },
    '400': error,
    '401': error,
    '403': error,
    '404': error,
    ...Object.fromEntries((op.errors ?? []).map((code) => [String(code), error])),
  },
});

const routes: Record<string, Record<string, Op>> = {
  '/api/health': { get: { summary: 'Liveness, no auth', response: HealthSchema, public: true } },
  '/api/me': { get: { summary: 'The caller', response: WhoAmISchema } },
  '/api/openapi.json': {
    get: { summary: 'This document', response: z.record(z.string(), z.unknown()) },
  },
  '/api/dags': {
    get: { summary: 'List DAGs', response: z.object({ dags: z.array(DagSummarySchema) }) },
    post: {
      summary: 'Create a DAG',
      role: 'operator',
      body: DagSpecSchema,
      response: DagRecordSchema,
      status: 201,
      errors: [409, 413],
    },
  },
  '/api/dags/{id}': {
    get: { summary: 'A DAG, latest version', params: ['id'], response: DagRecordSchema },
    put: {
      summary: 'Save a new version',
      role: 'operator',
      params: ['id'],
      body: DagSpecSchema,
      response: DagRecordSchema,
      errors: [413],
    },
    delete: { summary: 'Delete a DAG', role: 'operator', params: ['id'], response: z.null(), status: 204 },
  },
  '/api/runs': {
    get: { summary: 'List runs, newest first', query: RunListQuerySchema, response: RunListSchema },
    post: {
      summary: 'Start a run',
      role: 'operator',
      body: StartRunBodySchema,
      response: StartRunResponseSchema,
      status: 201,
      errors: [413],
    },
  },
  '/api/runs/{id}': { get: { summary: 'Run snapshot', params: ['id'], response: RunSnapshotSchema } },
  '/api/runs/{id}/signals': {
    get: {
      summary: 'Signals after a seq',
      params: ['id'],
      query: SignalsQuerySchema,
      response: z.object({ signals: z.array(SignalSchema) }),
    },
  },
  '/api/runs/{id}/events': {
    get: {
      summary: 'Live signals (SSE); resumes after Last-Event-ID or ?after=',
      params: ['id'],
      response: SignalSchema,
      sse: true,
    },
  },
  '/api/runs/{id}/cancel': {
    post: {
      summary: 'Cancel a run',
      role: 'operator',
      params: ['id'],
      body: CancelBodySchema,
      optionalBody: true,
      response: z.object({ ok: z.literal(true) }),
      status: 202,
      errors: [409, 503],
    },
  },
  '/api/runs/{id}/approvals/{approvalId}': {
    post: {
      summary: 'Approve or reject',
      role: 'approver',
      params: ['id', 'approvalId'],
      body: DecisionBodySchema,
      response: DecisionResponseSchema,
      errors: [409, 503],
    },
  },
  '/api/approvals': {
    get: { summary: 'Approvals inbox', query: ApprovalListQuerySchema, response: ApprovalListSchema },
  },
};

let cached: unknown;

/** The OpenAPI document, generated from core's zod schemas. */
export const openApiDocument = (version: string) => {
  cached ??= {
    openapi: '3.0.3',
    info: { title: 'laneflow', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: Object.fromEntries(
      Object.entries(routes).map(([path, ops]) => [
        path,
        Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, operation(op)])),
      ]),
    ),
  };
  return cached;
};
