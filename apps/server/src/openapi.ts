import {
  ApprovalListQuerySchema,
  ApprovalListSchema,
  DagRecordSchema,
  DagSpecSchema,
  DagSummarySchema,
  DecisionBodySchema,
  DecisionResponseSchema,
  ErrorBodySchema,
  HealthSchema,
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
  ...(op.body && {
    requestBody: { required: true, content: { 'application/json': { schema: schema(op.body, 'input') } } },
  }),
  responses: {
    [String(op.status ?? 200)]: {
      description: 'ok',
      content: op.sse
        ? { 'text/event-stream': { schema: schema(op.response, 'output') } }
        : { 'application/json': { schema: schema(op.response, 'output') } },
    },
    '400': error,
    '401': error,
    '403': error,
    '404': error,
  },
});

const routes: Record<string, Record<string, Op>> = {
  '/api/health': { get: { summary: 'Liveness, no auth', response: HealthSchema } },
  '/api/me': { get: { summary: 'The caller', response: WhoAmISchema } },
  '/api/dags': {
    get: { summary: 'List DAGs', response: z.object({ dags: z.array(DagSummarySchema) }) },
    post: { summary: 'Create a DAG', body: DagSpecSchema, response: DagRecordSchema, status: 201 },
  },
  '/api/dags/{id}': {
    get: { summary: 'A DAG, latest version', params: ['id'], response: DagRecordSchema },
    put: { summary: 'Save a new version', params: ['id'], body: DagSpecSchema, response: DagRecordSchema },
    delete: { summary: 'Delete a DAG', params: ['id'], response: z.null(), status: 204 },
  },
  '/api/runs': {
    get: { summary: 'List runs, newest first', query: RunListQuerySchema, response: RunListSchema },
    post: { summary: 'Start a run', body: StartRunBodySchema, response: StartRunResponseSchema, status: 201 },
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
      params: ['id'],
      response: z.object({ ok: z.literal(true) }),
      status: 202,
    },
  },
  '/api/runs/{id}/approvals/{approvalId}': {
    post: {
      summary: 'Approve or reject',
      params: ['id', 'approvalId'],
      body: DecisionBodySchema,
      response: DecisionResponseSchema,
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
