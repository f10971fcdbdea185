import { backoffDelay } from '../backoff.ts';
import { evaluateCondition } from '../condition.ts';
import type { NodeSpec } from '../dag.ts';
import type { TierReason } from '../economics/tier-reason.ts';
import type { ErrorInfo, Json, SkipReason } from '../signals.ts';
import { renderTemplate, resolveMapping } from '../template.ts';
import { ask, carryOut } from './approval-desk.ts';
import { execute } from './attempt.ts';
import { conditionKey } from './dag-index.ts';
import { labelOf, moveTo, type NodeRecord, noDependents, type Resolution } from './node-record.ts';
import type { WorkContext } from './provider.ts';
import { settle } from './run-end.ts';
import type { RunState } from './run-state.ts';

/** What a new node record needs besides its spec. */
export type NodeInit = Pick<NodeRecord, 'rootId' | 'tier' | 'maxTier' | 'deps'> &
  Partial<Pick<NodeRecord, 'depth' | 'scope' | 'context' | 'approvedBefore' | 'human'>>;

/** The context of work that is no one's escalation: shared, as most nodes have it. */
const noContext: WorkContext = Object.freeze({});

/** Where a node being queued comes from; a DAG node has no parent. */
type QueuedFrom = { parentId?: string; spawnReason?: 'escalation' | 'spawn'; tierReason?: TierReason };
const fromDag: QueuedFrom = Object.freeze({});

/** Adds a node to the run; `announce` emits its `node.queued` (a node rebuilt from the log has one). */
export const addNode = (
  run: RunState,
  spec: NodeSpec,
  init: NodeInit,
  queued: QueuedFrom = fromDag,
  announce = true,
): NodeRecord => {
  // Every field written, in one order: every node record has the same shape.
  const node: NodeRecord = {
    id: spec.id,
    spec,
    rootId: init.rootId,
    attempt: 1,
    tier: init.tier,
    maxTier: init.maxTier,
    depth: init.depth ?? 0,
    phase: 'queued',
    remaining: 0,
    deps: init.deps,
    dependents: noDependents,
    parentId: queued.parentId,
    scope: init.scope ?? run.scope,
    context: init.context ?? noContext,
    human: init.human,
    approvedBefore: init.approvedBefore ?? false,
    interrupted: 0,
    work: undefined,
    timer: undefined,
    resumeApproval: undefined,
    resumeDecision: undefined,
    reuseBy: undefined,
    startedAt: 0,
    view: undefined,
    resolution: undefined,
    waiters: undefined,
  };
  run.nodes.set(node.id, node);
  run.open++;
  if (!announce) return node;
  if (queued.parentId === undefined && queued.tierReason === undefined)
    run.emitter.emitBuilt(
      {
        type: 'node.queued',
        runId: run.runId,
        seq: 0,
        at: '',
        nodeId: node.id,
        attempt: 1,
        label: labelOf(node),
        tier: node.tier,
      },
      undefined,
      node,
    );
  else
    run.emitter.emit(
      'node.queued',
      queued.parentId === undefined
        ? {
            nodeId: node.id,
            attempt: 1,
            label: labelOf(node),
            tier: node.tier,
            tierReason: queued.tierReason,
          }
        : {
            nodeId: node.id,
            attempt: 1,
            label: labelOf(node),
            tier: node.tier,
            parentId: queued.parentId,
            ...(queued.spawnReason !== undefined && { spawnReason: queued.spawnReason }),
          },
    );
  return node;
};

/** Registers `node` with the nodes it depends on, without counting what they resolved. */
export const registerDependent = (run: RunState, node: NodeRecord) => {
  // Indexed loops over `deps`: a shared frozen list among them makes a `for of` allocate.
  const deps = node.deps;
  for (let i = 0; i < deps.length; i++) addDependent(run.nodes.get(deps[i] as string) as NodeRecord, node);
};

const addDependent = (dep: NodeRecord, node: NodeRecord) => {
  // Most nodes have a few dependents: exact lists up to four, not the room for 17 of a first push.
  const list = dep.dependents;
  // `concat` allocates exactly; a spread would leave room for more.
  if (list.length < 4) dep.dependents = list.concat(node);
  else list.push(node);
};

/** Wires dependencies; a node whose dependencies already resolved becomes ready (or is skipped). */
export const link = (run: RunState, node: NodeRecord) => {
  const deps = node.deps;
  node.remaining = deps.length;
  // One pass: a dependency that already resolved counts at once. The count reaches zero only at the
  // last one, and a node skipped on the way ignores what its other dependencies tell it.
  for (let i = 0; i < deps.length; i++) {
    const dep = run.nodes.get(deps[i] as string) as NodeRecord;
    addDependent(dep, node);
    if (dep.resolution) depResolved(run, node, dep, dep.resolution);
  }
  if (deps.length === 0) becomeReady(run, node);
};

/** Ends a node for good. */
export const finishNode = (run: RunState, node: NodeRecord) => {
  moveTo(node, 'done');
  node.work = undefined;
  if (node.timer !== undefined) run.clock.clearTimeout(node.timer);
  run.open--;
};

/** Records how a chain ended, without waking anyone (a rebuilt run's links do that). */
export const recordResolution = (run: RunState, end: NodeRecord, resolution: Resolution): NodeRecord => {
  const root = end.rootId === end.id ? end : (run.nodes.get(end.rootId) as NodeRecord);
  root.resolution = resolution;
  // A DAG node's output, for the result: gathered as chains end, not by a pass over every record.
  if (resolution.ok && root.parentId === undefined) {
    run.outputIds.push(root.id);
    run.outputValues.push(resolution.output ?? null);
  }
  return root;
};

/** A chain ended: tell the root's dependents and waiters. */
export const resolveChain = (run: RunState, end: NodeRecord, resolution: Resolution) => {
  const root = recordResolution(run, end, resolution);
  const waiters = root.waiters;
  if (waiters !== undefined) {
    root.waiters = undefined;
    for (const w of waiters) w(resolution);
  }
  // Only the dependents known now: work started from here may spawn a node that depends on this
  // root, and `link` already counts that one (the resolution is set), so it must not count twice.
  const dependents = root.dependents;
  for (let i = 0, n = dependents.length; i < n; i++) {
    const d = dependents[i] as NodeRecord;
    if (d.phase === 'queued' && !run.cancelled) depResolved(run, d, root, resolution);
  }
};

const depResolved = (run: RunState, node: NodeRecord, dep: NodeRecord, r: Resolution) => {
  if (node.phase !== 'queued') return;
  if (!r.ok) return skip(run, node, r.skip);
  // Most DAGs have no conditional edge: skip building the key.
  const conditions =
    run.dag.conditions.size === 0 ? undefined : run.dag.conditions.get(conditionKey(dep.id, node.id));
  if (conditions?.some((c) => !evaluateCondition(c, r.output))) return skip(run, node, 'condition_false');
  if (--node.remaining === 0) becomeReady(run, node);
};

/** Skips `node` and, through the worklist, whatever that leaves unable to run. */
const skip = (run: RunState, node: NodeRecord, reason: SkipReason) => {
  const skips = run.skips;
  skips.push([node, reason]);
  if (run.skipping) return;
  run.skipping = true;
  for (let i = 0; i < skips.length; i++) {
    const [n, why] = skips[i] as [NodeRecord, SkipReason];
    if (n.phase !== 'queued') continue;
    run.emitter.emit('node.skipped', { nodeId: n.id, attempt: n.attempt, reason: why });
    finishNode(run, n);
    resolveChain(run, n, { ok: false, skip: why });
  }
  skips.length = 0;
  run.skipping = false;
  settle(run);
};

export const succeed = (run: RunState, node: NodeRecord, output: Json) => {
  const now = run.clock.now();
  run.emitter.emitBuilt(
    {
      type: 'node.succeeded',
      runId: run.runId,
      seq: 0,
      at: '',
      nodeId: node.id,
      attempt: node.attempt,
      output,
      elapsedMs: node.startedAt ? now - node.startedAt : 0,
    },
    now,
    node,
  );
  finishNode(run, node);
  resolveChain(run, node, { ok: true, output, skip: 'upstream_failed' });
  settle(run);
};

/** Ends the attempt as failed; with retries left (counted in tries), queues the next after backoff. */
export const fail = (run: RunState, node: NodeRecord, error: ErrorInfo, retryable: boolean) => {
  const elapsedMs = node.startedAt ? run.clock.now() - node.startedAt : 0;
  const policy = node.spec.retries;
  const tries = node.attempt - node.interrupted;
  const willRetry = retryable && policy !== undefined && tries <= policy.max && !run.cancelled;
  run.emitter.emit('node.failed', { nodeId: node.id, attempt: node.attempt, error, elapsedMs, willRetry });
  if (willRetry) {
    moveTo(node, 'retry');
    node.timer = run.clock.setTimeout(
      () => {
        node.timer = undefined;
        if (!run.cancelled) requeue(run, node);
      },
      backoffDelay(policy, tries, run.random),
    );
    return;
  }
  run.firstError ??= { message: `${node.id}: ${error.message}`, code: error.code };
  finishNode(run, node);
  resolveChain(run, node, {
    ok: false,
    skip: error.code === 'rejected' ? 'rejected_upstream' : 'upstream_failed',
  });
  settle(run);
};

/** Starts the node's next attempt: queued again, then ready (its dependencies stay met). */
export const requeue = (run: RunState, node: NodeRecord) => {
  node.attempt++;
  moveTo(node, 'queued');
  run.emitter.emit('node.queued', {
    nodeId: node.id,
    attempt: node.attempt,
    label: labelOf(node),
    tier: node.tier,
  });
  becomeReady(run, node);
};

/** The node may go on: it waits for a decision first, if it has one to wait for, else for a slot. */
export const becomeReady = (run: RunState, node: NodeRecord) => {
  if (run.cancelled) return;
  if (node.resumeDecision) {
    const { decision, wait } = node.resumeDecision;
    node.resumeDecision = undefined;
    return carryOut(run, node, wait, decision);
  }
  if (node.human) {
    const { request, review } = node.human;
    const payload = { request, output: review ?? null } as Json;
    const prompt = `Escalated to a human: ${request.reason}`;
    return ask(run, node, { kind: 'review', output: review }, prompt, payload, undefined, 'reject');
  }
  const spec = node.spec;
  if (spec.kind === 'approval') {
    const payload = spec.payload === undefined ? undefined : resolveMapping(spec.payload, node.scope);
    const prompt = renderTemplate(spec.prompt, node.scope);
    return ask(
      run,
      node,
      { kind: 'review', output: payload },
      prompt,
      payload,
      spec.timeoutMs,
      spec.onTimeout,
    );
  }
  const approval = spec.approval;
  if (approval?.when === 'before' && !node.approvedBefore) {
    const prompt = renderTemplate(approval.prompt, node.scope);
    return ask(run, node, { kind: 'before' }, prompt, undefined, approval.timeoutMs, approval.onTimeout);
  }
  enqueue(run, node);
};

/** Puts the node in line for a slot. */
export const enqueue = (run: RunState, node: NodeRecord) => {
  // Nobody ahead and a slot free: start it now, as `pump` would, without growing the queue.
  if (run.readyHead === run.ready.length && run.running < run.maxConcurrency && !run.cancelled)
    return execute(run, node);
  run.ready.push(node);
  pump(run);
};

/** Starts ready nodes while slots are free. */
export const pump = (run: RunState) => {
  const ready = run.ready;
  while (!run.cancelled && run.running < run.maxConcurrency && run.readyHead < ready.length) {
    const node = ready[run.readyHead++] as NodeRecord;
    if (node.phase === 'queued') execute(run, node);
  }
  // An index instead of shift(): shift is O(n) on a long queue. Drop the consumed prefix once drained.
  if (run.readyHead === ready.length) {
    ready.length = 0;
    run.readyHead = 0;
  }
};
