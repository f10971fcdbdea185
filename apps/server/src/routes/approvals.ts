import {
  ApprovalListQuerySchema,
  ApprovalListSchema,
  DecisionBodySchema,
  DecisionResponseSchema,
  IdParamSchema,
} from '@laneflow/core';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { body } from '../validate.ts';
import { type RouteDeps, route, router } from './route.ts';

const decide = route({
  method: 'post',
  path: '/api/runs/{id}/approvals/{approvalId}',
  summary: 'Approve or reject a waiting approval; answers once the decision is committed',
  role: 'approver',
  request: { params: z.object({ id: IdParamSchema, approvalId: IdParamSchema }) },
  body: { schema: DecisionBodySchema },
  ok: { status: 200, schema: DecisionResponseSchema },
  errors: [404, 409, 503],
});
const inbox = route({
  method: 'get',
  path: '/api/approvals',
  summary: 'Approvals inbox across runs',
  role: 'viewer',
  request: { query: ApprovalListQuerySchema },
  ok: { status: 200, schema: ApprovalListSchema },
});

/** Decisions and the inbox. */
export const approvalRoutes = ({ store, runs }: RouteDeps) => {
  const r = router();
  r.openapi(decide, async (c) => {
    const { id: runId, approvalId } = c.req.valid('param');
    const b = await body(c, DecisionBodySchema);
    const rec = await store.getApproval(approvalId);
    if (!rec || rec.runId !== runId)
      throw new HttpError(404, 'not_found', `no approval "${approvalId}" in run ${runId}`);
    const r = await runs.decide(runId, approvalId, { ...b, by: c.get('principal').name });
    if (r === undefined || (!r.ok && (r.code === 'unknown_approval' || r.code === 'late'))) {
      // The run no longer waits for this approval (it ended, or is ending after a cancel): only a
      // repeat of the recorded decision is accepted; anything else is late, or conflicts with it.
      const now = (await store.getApproval(approvalId)) ?? rec;
      if (now.status === b.decision) return c.json({ ok: true as const, duplicate: true }, 200);
      const decided = now.status === 'approved' || now.status === 'rejected';
      throw new HttpError(
        409,
        decided ? 'conflict' : 'late',
        decided
          ? `approval ${approvalId} is already ${now.status}`
          : `approval ${approvalId} is ${now.status === 'pending' ? 'no longer awaited' : now.status}: its run has ended`,
      );
    }
    if (!r.ok) throw new HttpError(409, r.code, r.message);
    return c.json({ ok: true as const, duplicate: r.duplicate }, 200);
  });
  r.openapi(inbox, async (c) => {
    const q = c.req.valid('query');
    return c.json({ approvals: await store.listApprovals(q.status, q.limit) }, 200);
  });
  return r;
};
