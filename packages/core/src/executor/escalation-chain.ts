import type { EscalationRequest } from '../escalation.ts';
import type { Json } from '../signals.ts';
import { chooseRoute } from './escalate.ts';
import { addNode, becomeReady, fail, finishNode, type NodeInit, resolveChain } from './lifecycle.ts';
import { labelOf, type NodeRecord } from './node-record.ts';
import { settle } from './run-end.ts';
import type { RunState } from './run-state.ts';

/** The id of the node a chain's escalation to `tier` queues. */
export const childIdOf = (node: NodeRecord, tier: number): string => `${node.rootId}@t${tier}`;

/**
 * The one way an escalation child is made, live or rebuilt from the log: it re-does `parent`'s work
 * at `tier` with the request as context, or, on the human rung, reviews `review`.
 */
export const childInit = (
  run: RunState,
  parent: NodeRecord,
  request: EscalationRequest,
  tier: number,
  review: Json | undefined,
): NodeInit => ({
  rootId: parent.rootId,
  tier,
  maxTier: parent.maxTier,
  depth: parent.depth + 1,
  deps: [],
  scope: parent.scope,
  approvedBefore: true,
  context: {
    escalation: {
      reason: request.reason,
      fromTier: parent.tier,
      ...(request.ratings !== undefined && { ratings: request.ratings }),
    },
  },
  ...(tier === run.humanTier && { human: { request, review } }),
});

/**
 * Routes a blocked request once per node attempt: `escalation.requested`, then `node.escalated` with
 * the route, then the child (or the chain gives up). `forced` is the route an approval timeout takes:
 * tiers are for model work, so such a request never climbs them. An `fyi` request is only a note.
 */
export const escalate = (
  run: RunState,
  node: NodeRecord,
  request: EscalationRequest,
  review: Json | undefined,
  forced?: { route: 'human' | 'give_up'; toTier?: number },
) => {
  const key = `${node.id}#${node.attempt}`;
  if (run.routed.has(key)) return;
  run.emitter.emit('escalation.requested', { nodeId: node.id, attempt: node.attempt, request });
  if (request.urgency === 'fyi') {
    // A note is not a hand-off; the work it came from produced no output, so the node fails.
    return fail(
      run,
      node,
      { message: 'an fyi escalation is not a result', code: 'fyi_without_output' },
      false,
    );
  }
  run.routed.add(key);
  const { route, toTier } =
    forced ??
    chooseRoute({
      request,
      tier: node.tier,
      maxTier: node.maxTier,
      humanTier: run.humanTier,
      depth: node.depth,
      maxDepth: run.maxDepth,
    });
  const childId = toTier === undefined ? undefined : childIdOf(node, toTier);
  run.emitter.emit('node.escalated', {
    nodeId: node.id,
    attempt: node.attempt,
    route,
    reason: request.reason,
    fromTier: node.tier,
    request,
    ...(toTier !== undefined && { toTier, childId }),
  });
  finishNode(run, node);
  if (route === 'give_up' || childId === undefined || toTier === undefined) {
    run.firstError ??= { message: `${node.rootId} gave up: ${request.reason}`, code: 'gave_up' };
    resolveChain(run, node, { ok: false, skip: 'upstream_gave_up' });
    return settle(run);
  }
  const tierName = (run.ladder[toTier] as { name: string }).name;
  const root = run.nodes.get(node.rootId) as NodeRecord;
  const child = addNode(
    run,
    { ...node.spec, id: childId, label: `${labelOf(root)} ↑ ${tierName}` },
    childInit(run, node, request, toTier, route === 'human' ? review : undefined),
    { parentId: node.id, spawnReason: 'escalation' },
  );
  becomeReady(run, child);
};

/** An approval wait timed out with `onTimeout: escalate`: to the human rung once, else give up. */
export const expire = (run: RunState, node: NodeRecord, review: Json | undefined): void =>
  escalate(
    run,
    node,
    { reason: 'approval timed out', trigger: 'manual', urgency: 'blocked', fromTier: node.tier },
    review,
    run.humanTier >= 0 && !node.human ? { route: 'human', toTier: run.humanTier } : { route: 'give_up' },
  );
