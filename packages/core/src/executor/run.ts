import { evaluateCondition } from '../condition.ts';
import { type DagSpec, type NodeSpec, NodeSpecSchema } from '../dag.ts';
import { resolveTierRef } from '../dag-validate.ts';
import type { EscalationRequest } from '../escalation.ts';
import { buildGraph, descendants } from '../graph.ts';
import { fromZodIssues, summarizeIssues } from '../issues.ts';
import { isTerminalLane } from '../lanes.ts';
import type { NodeView, RunView } from '../projection.ts';
import type { Decision, ErrorInfo, Json, Signal, SignalOf, SkipReason } from '../signals.ts';
import { renderTemplate, resolveMapping, type TemplateScope } from '../template.ts';
import { defaultLadder, isHumanTier, type Ladder, type Tier } from '../tier.ts';
import { type Clock, realClock, sleep } from './clock.ts';
import { createEmitter, type SignalListener } from './emitter.ts';
import { backoffDelay, chooseRoute, escalationOf } from './escalate.ts';
import { runGate } from './gate.ts';
import { createMemoryLog, type SignalLog } from './log.ts';
import { type OperationContext, operations, type SpawnOptions } from './operations.ts';
import { type Provider, ProviderError, type TokenUsage, type WorkContext } from './provider.ts';
import { type RecoveredRun, recoverRun } from './recover.ts';
import { createSimProvider } from './sim-provider.ts';

export interface RunOptions {
  runId?: string;
  /** The run's tier ladder; defaults to the DAG's, then {@link defaultLadder}. */
  ladder?: Ladder;
  /** Values for `{{inputs.name}}`, over the DAG's defaults. */
  inputs?: Record<string, Json>;
  /** Providers by name (`tier.provider`); `sim` is always available. */
  providers?: Record<string, Provider>;
  maxConcurrency?: number;
  /** Most nodes the run may add at run time (`ctx.spawn`, `map`). */
  maxSpawn?: number;
  /** Most escalations in one chain. */
  maxEscalationDepth?: number;
  signal?: AbortSignal;
  clock?: Clock;
  /** Source of ids for runs and approvals. */
  ids?: () => string;
  /** Source of randomness for backoff jitter. */
  random?: () => number;
  log?: SignalLog;
  /**
   * The run's committed signals, to resume it after a crash: the run ends as it would have without
   * the crash. Succeeded nodes keep their outputs and are not re-run; an attempt that was running is
   * closed with `node.failed{error.code: "interrupted", willRetry: true}` and queued again with
   * attempt + 1; pending approvals stay pending under the same id; a committed decision is carried
   * out, never asked again. The handle's `signals` starts with the history; `subscribe` delivers only
   * the signals committed after it.
   */
  history?: readonly Signal[];
  /** Told when a `subscribe` listener throws (default: console.error); nothing else changes. */
  onListenerError?: (err: unknown, signal: Signal) => void;
}

export type RunStatusFinal = 'succeeded' | 'failed' | 'cancelled';

export interface RunResult {
  runId: string;
  status: RunStatusFinal;
  /** Output of every DAG node whose escalation chain ended in success, by DAG node id. */
  outputs: Record<string, Json>;
  error?: ErrorInfo;
  view: RunView;
}

export interface DecisionInput {
  decision: Decision;
  by?: string;
  comment?: string;
  /** Replaces the output under review (approved only). */
  output?: Json;
}

export type DecideResult =
  | { ok: true; duplicate: boolean }
  | { ok: false; code: 'unknown_approval' | 'conflict' | 'late'; message: string };

export interface RunHandle {
  readonly runId: string;
  /** The live projection of committed signals. */
  readonly view: RunView;
  /** Committed signals so far. */
  readonly signals: readonly Signal[];
  /** Calls `listener` with each signal once it is committed. */
  subscribe(listener: SignalListener): () => void;
  /** Every signal of the run from the first, then live ones, ending with the run. */
  [Symbol.asyncIterator](): AsyncIterator<Signal>;
  decide(approvalId: string, input: DecisionInput): DecideResult;
  cancel(reason?: string): void;
  readonly result: Promise<RunResult>;
}

/** Raised synchronously by {@link startRun} when the run cannot start (bad tier reference, no ladder). */
export class RunConfigError extends Error {
  override name = 'RunConfigError';
}

type Outcome = 'succeeded' | 'failed' | 'escalated' | 'skipped' | 'cancelled';

/** How a chain (a node and its escalation children) ended, as its dependents see it. */
interface Resolution {
  ok: boolean;
  output?: Json;
  skip: SkipReason;
}

interface Rt {
  id: string;
  spec: NodeSpec;
  /** The node whose chain this is: dependents wait for the chain's end through it. */
  rootId: string;
  label: string;
  attempt: number;
  tier: number;
  maxTier: number;
  depth: number;
  phase: 'queued' | 'waiting' | 'running' | 'retry' | 'done';
  outcome?: Outcome;
  /** Unmet dependencies (by root id). */
  remaining: number;
  deps: string[];
  dependents: string[];
  parentId?: string;
  scope: TemplateScope;
  context: WorkContext;
  /** A human rung: the work is an approval of `review`. */
  human?: { request: EscalationRequest; review: Json | undefined };
  approvedBefore: boolean;
  /**
   * Attempts closed as `interrupted` by a restart: not tries of the work, so they count neither
   * against the retry budget nor as failures the work has seen.
   */
  interrupted: number;
  /** The running attempt's abort controller; made on first use, as most work never reads its signal. */
  controller?: () => AbortController;
  /** Gives the running node's concurrency slot back (idempotent). */
  release?: () => void;
  /** A pending retry. */
  timer?: unknown;
  /** An approval recorded before a restart, to wait on again instead of asking anew. */
  resumeApproval?: { approvalId: string; expiresAt?: string };
  /** A decision committed before a restart whose consequence was not: carried out on resume. */
  resumeDecision?: { decision: DecisionInput; wait: Wait };
  startedAt: number;
  resolution?: Resolution;
  waiters: Array<(r: Resolution) => void>;
}

/**
 * What a node waits on: `before` its work, or a `review` of `output` (an approval node's payload,
 * the work's output under `approval.after`, or the best output a human rung is handed).
 */
type Wait = { kind: 'before' } | { kind: 'review'; output: Json | undefined };

interface PendingApproval {
  nodeId: string;
  attempt: number;
  timer?: unknown;
  settle: (d: DecisionInput & { by: string }) => void;
  onTimeout: 'reject' | 'approve' | 'escalate';
  timeout: () => void;
}

/** What every {@link NodeContext} of a run shares: made once per run, not once per node. */
interface ContextHost {
  runId: string;
  ladder: Ladder;
  tierAt: OperationContext['tierAt'];
  providerFor: OperationContext['providerFor'];
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  delta(rt: Rt, text: string, signal: AbortSignal): void;
  usage(rt: Rt, tier: number, model: string, usage: TokenUsage): void;
  spawn(rt: Rt, spec: Record<string, unknown>, options?: SpawnOptions): string;
  waitFor(rt: Rt, ids: string[]): Promise<Json[]>;
}

/**
 * What an operation sees while it runs. Creating it must be cheap, as a no-op node costs little more:
 * `signal` is a getter, so the AbortController behind it (dearer than the rest of a no-op node) is made
 * only when someone reads it, and the node-bound functions are made on first read and then kept (they
 * are read as values too: `sleep: ctx.sleep`). A class, because an object literal with getters is
 * itself slow to create.
 */
class NodeContext implements OperationContext {
  runId: string;
  nodeId: string;
  attempt: number;
  tries: number;
  tier: number;
  tierSpec: Tier;
  spec: NodeSpec;
  scope: TemplateScope;
  tierAt: OperationContext['tierAt'];
  providerFor: OperationContext['providerFor'];
  #host: ContextHost;
  #rt: Rt;
  #signalOf: () => AbortSignal;
  #sleep?: OperationContext['sleep'];
  #delta?: OperationContext['delta'];
  #usage?: OperationContext['usage'];
  #spawn?: OperationContext['spawn'];
  #waitFor?: OperationContext['waitFor'];
  constructor(host: ContextHost, rt: Rt, signalOf: () => AbortSignal) {
    this.runId = host.runId;
    this.nodeId = rt.id;
    this.attempt = rt.attempt;
    this.tries = rt.attempt - rt.interrupted;
    this.tier = rt.tier;
    this.tierSpec = host.ladder[rt.tier] as Tier;
    this.spec = rt.spec;
    this.scope = rt.scope;
    this.tierAt = host.tierAt;
    this.providerFor = host.providerFor;
    this.#host = host;
    this.#rt = rt;
    this.#signalOf = signalOf;
  }
  get signal(): AbortSignal {
    return this.#signalOf();
  }
  get sleep(): OperationContext['sleep'] {
    this.#sleep ??= (ms) => this.#host.sleep(ms, this.#signalOf());
    return this.#sleep;
  }
  get delta(): OperationContext['delta'] {
    this.#delta ??= (text) => this.#host.delta(this.#rt, text, this.#signalOf());
    return this.#delta;
  }
  get usage(): OperationContext['usage'] {
    this.#usage ??= (tier, model, u) => this.#host.usage(this.#rt, tier, model, u);
    return this.#usage;
  }
  get spawn(): OperationContext['spawn'] {
    this.#spawn ??= (spec, opts) => this.#host.spawn(this.#rt, spec, opts);
    return this.#spawn;
  }
  get waitFor(): OperationContext['waitFor'] {
    this.#waitFor ??= (ids) => this.#host.waitFor(this.#rt, ids);
    return this.#waitFor;
  }
}

const errorInfo = (err: unknown): ErrorInfo => ({
  message: err instanceof Error ? err.message : String(err),
  code:
    err instanceof ProviderError
      ? err.code
      : err instanceof Error && err.name !== 'Error'
        ? err.name
        : 'error',
});

let runCounter = 0;
const defaultIds = () =>
  `${Date.now().toString(36)}-${(runCounter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Starts a run of a validated DAG (DESIGN §4). Every queued node reaches exactly one terminal lane per
 * attempt on every path; signals are committed to `options.log` before anyone sees them.
 */
export const startRun = (dag: DagSpec, options: RunOptions = {}): RunHandle => {
  const clock = options.clock ?? realClock;
  const ids = options.ids ?? defaultIds;
  const random = options.random ?? Math.random;
  const ladder = options.ladder ?? dag.ladder ?? defaultLadder;
  if (ladder.length === 0) throw new RunConfigError('the tier ladder is empty');
  const humanTier = isHumanTier(ladder[ladder.length - 1]) ? ladder.length - 1 : -1;
  const topModelTier = humanTier >= 0 ? humanTier - 1 : ladder.length - 1;
  if (topModelTier < 0) throw new RunConfigError('the tier ladder has no model tier');
  const providers: Record<string, Provider> = { sim: createSimProvider(), ...options.providers };
  const maxConcurrency = Math.max(1, options.maxConcurrency ?? 8);
  const maxSpawn = options.maxSpawn ?? 1000;
  const maxDepth = options.maxEscalationDepth ?? 3;
  const runId = options.runId ?? ids();
  const inputs: Record<string, Json> = { ...dag.inputs, ...options.inputs };

  const runAbort = new AbortController();
  let fatal: unknown;
  const emitter = createEmitter({
    runId,
    ...(options.history && { history: options.history }),
    log: options.log ?? createMemoryLog(),
    clock,
    ...(options.onListenerError && { onListenerError: options.onListenerError }),
    onFatal: (err) => {
      fatal = err;
      cancel('log failure');
    },
  });
  const emit = emitter.emit;

  const nodes = new Map<string, Rt>();
  const ready: string[] = [];
  const approvals = new Map<string, PendingApproval>();
  /** Approvals no longer pending: their decision, or `late` when none may follow (timed out, ended). */
  const decided = new Map<string, { decision?: Decision; late: boolean }>();
  const routed = new Set<string>();
  /** Shared template scope: run inputs and the output of every chain that ended in success. */
  // No prototype: node ids are keys here, and none may reach Object.prototype.
  const scope: TemplateScope = Object.assign(Object.create(null) as TemplateScope, { inputs });
  let running = 0;
  let open = 0;
  let spawned = 0;
  let finished = false;
  let cancelled = false;
  let firstError: ErrorInfo | undefined;
  let resolveResult!: (r: RunResult) => void;
  const result = new Promise<RunResult>((r) => {
    resolveResult = r;
  });

  const tierIndex = (ref: NodeSpec['startTier'], fallback: number, field: string, id: string): number => {
    if (ref === undefined) return fallback;
    const i = resolveTierRef(ref, ladder);
    if (i === undefined || i > topModelTier)
      throw new RunConfigError(
        `node ${id}: ${field} ${JSON.stringify(ref)} is not a model tier of the ladder`,
      );
    return i;
  };

  // ---- node lifecycle -------------------------------------------------------------------------

  const addNode = (
    spec: NodeSpec,
    init: Partial<Rt> & Pick<Rt, 'rootId' | 'tier' | 'maxTier' | 'deps'>,
    queued: { parentId?: string; spawnReason?: 'escalation' | 'spawn' } = {},
    announce = true,
  ): Rt => {
    const rt: Rt = {
      id: spec.id,
      spec,
      label: spec.label ?? spec.id,
      attempt: 1,
      depth: 0,
      phase: 'queued',
      remaining: 0,
      dependents: [],
      scope,
      context: {},
      approvedBefore: false,
      interrupted: 0,
      startedAt: 0,
      waiters: [],
      ...(queued.parentId !== undefined && { parentId: queued.parentId }),
      ...init,
    };
    nodes.set(rt.id, rt);
    open++;
    if (announce)
      emit('node.queued', {
        nodeId: rt.id,
        attempt: 1,
        label: rt.label,
        tier: rt.tier,
        ...(queued.parentId !== undefined && { parentId: queued.parentId, spawnReason: queued.spawnReason }),
      });
    return rt;
  };

  /** Wires dependencies; a node whose dependencies already resolved becomes ready (or is skipped). */
  const link = (rt: Rt) => {
    rt.remaining = rt.deps.length;
    for (const d of rt.deps) (nodes.get(d) as Rt).dependents.push(rt.id);
    for (const d of rt.deps) {
      const dep = nodes.get(d) as Rt;
      if (dep.resolution) depResolved(rt, dep, dep.resolution);
    }
    if (rt.deps.length === 0) becomeReady(rt);
  };

  const finishNode = (rt: Rt, outcome: Outcome) => {
    rt.phase = 'done';
    rt.outcome = outcome;
    rt.controller = undefined;
    if (rt.timer !== undefined) clock.clearTimeout(rt.timer);
    open--;
  };

  /** A chain ended: tell the root's dependents and waiters. */
  const resolveChain = (end: Rt, resolution: Resolution) => {
    const root = nodes.get(end.rootId) as Rt;
    root.resolution = resolution;
    if (resolution.ok) scope[root.id] = resolution.output;
    if (root.waiters.length > 0) for (const w of root.waiters.splice(0)) w(resolution);
    // Only the dependents known now: work started from here may spawn a node that depends on this
    // root, and `link` already counts that one (the resolution is set), so it must not count twice.
    const dependents = root.dependents;
    for (let i = 0, n = dependents.length; i < n; i++) {
      const d = nodes.get(dependents[i] as string) as Rt;
      if (d.phase === 'queued' && !cancelled) depResolved(d, root, resolution);
    }
  };

  const depResolved = (rt: Rt, dep: Rt, r: Resolution) => {
    if (rt.phase !== 'queued') return;
    if (!r.ok) return skip(rt, r.skip);
    // Most DAGs have no conditional edge: skip building the key.
    const conditions = dagEdges.size === 0 ? undefined : dagEdges.get(`${dep.id}\u0000${rt.id}`);
    if (conditions?.some((c) => !evaluateCondition(c, r.output))) return skip(rt, 'condition_false');
    if (--rt.remaining === 0) becomeReady(rt);
  };

  // Skips cascade down whole subgraphs; a worklist keeps a 10,000-node chain off the call stack.
  const skips: Array<[Rt, SkipReason]> = [];
  let skipping = false;
  const skip = (rt: Rt, reason: SkipReason) => {
    skips.push([rt, reason]);
    if (skipping) return;
    skipping = true;
    for (let i = 0; i < skips.length; i++) {
      const [r, why] = skips[i] as [Rt, SkipReason];
      if (r.phase !== 'queued') continue;
      emit('node.skipped', { nodeId: r.id, attempt: r.attempt, reason: why });
      finishNode(r, 'skipped');
      resolveChain(r, { ok: false, skip: why });
    }
    skips.length = 0;
    skipping = false;
    settle();
  };

  const succeed = (rt: Rt, output: Json) => {
    const elapsedMs = rt.startedAt ? clock.now() - rt.startedAt : 0;
    emit('node.succeeded', { nodeId: rt.id, attempt: rt.attempt, output, elapsedMs });
    finishNode(rt, 'succeeded');
    resolveChain(rt, { ok: true, output, skip: 'upstream_failed' });
    settle();
  };

  const fail = (rt: Rt, error: ErrorInfo, retryable: boolean) => {
    const elapsedMs = rt.startedAt ? clock.now() - rt.startedAt : 0;
    const policy = rt.spec.retries;
    const tries = rt.attempt - rt.interrupted;
    const willRetry = retryable && policy !== undefined && tries <= policy.max && !cancelled;
    emit('node.failed', { nodeId: rt.id, attempt: rt.attempt, error, elapsedMs, willRetry });
    if (willRetry) {
      rt.phase = 'retry';
      rt.timer = clock.setTimeout(
        () => {
          rt.timer = undefined;
          if (cancelled) return;
          rt.attempt++;
          rt.phase = 'queued';
          emit('node.queued', { nodeId: rt.id, attempt: rt.attempt, label: rt.label, tier: rt.tier });
          becomeReady(rt);
        },
        backoffDelay(policy, tries, random),
      );
      return;
    }
    firstError ??= { message: `${rt.id}: ${error.message}`, code: error.code };
    finishNode(rt, 'failed');
    resolveChain(rt, {
      ok: false,
      skip: error.code === 'rejected' ? 'rejected_upstream' : 'upstream_failed',
    });
    settle();
  };

  // ---- escalation ---------------------------------------------------------------------------

  /**
   * Routes a blocked request once per node attempt. `forced` is the route an approval timeout takes
   * (the human rung or nothing): tiers are for model work, so such a request never climbs them.
   */
  const escalate = (
    rt: Rt,
    request: EscalationRequest,
    review: Json | undefined,
    forced?: { route: 'human' | 'give_up'; toTier?: number },
  ) => {
    const key = `${rt.id}#${rt.attempt}`;
    if (routed.has(key)) return;
    emit('escalation.requested', { nodeId: rt.id, attempt: rt.attempt, request });
    if (request.urgency === 'fyi') {
      // A note is not a hand-off; the work it came from produced no output, so the node fails.
      return fail(rt, { message: 'an fyi escalation is not a result', code: 'fyi_without_output' }, false);
    }
    routed.add(key);
    const { route, toTier } =
      forced ??
      chooseRoute({ request, tier: rt.tier, maxTier: rt.maxTier, humanTier, depth: rt.depth, maxDepth });
    const childId = toTier === undefined ? undefined : `${rt.rootId}@t${toTier}`;
    emit('node.escalated', {
      nodeId: rt.id,
      attempt: rt.attempt,
      route,
      reason: request.reason,
      fromTier: rt.tier,
      request,
      ...(toTier !== undefined && { toTier, childId }),
    });
    finishNode(rt, 'escalated');
    if (route === 'give_up' || childId === undefined || toTier === undefined) {
      firstError ??= { message: `${rt.rootId} gave up: ${request.reason}`, code: 'gave_up' };
      resolveChain(rt, { ok: false, skip: 'upstream_gave_up' });
      return settle();
    }
    const tierName = (ladder[toTier] as { name: string }).name;
    const child = addNode(
      { ...rt.spec, id: childId, label: `${(nodes.get(rt.rootId) as Rt).label} ↑ ${tierName}` },
      childInit(rt, request, toTier, route === 'human' ? review : undefined),
      { parentId: rt.id, spawnReason: 'escalation' },
    );
    becomeReady(child);
  };

  /**
   * The one way an escalation child is made, live or rebuilt from the log: it re-does `parent`'s work
   * at `tier` with the request as context, or, on the human rung, reviews `review`.
   */
  const childInit = (parent: Rt, request: EscalationRequest, tier: number, review: Json | undefined) => ({
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
    ...(tier === humanTier && { human: { request, review } }),
  });

  /** An approval wait timed out with `onTimeout: escalate`: to the human rung once, else give up. */
  const expire = (rt: Rt, review: Json | undefined) =>
    escalate(
      rt,
      { reason: 'approval timed out', trigger: 'manual', urgency: 'blocked', fromTier: rt.tier },
      review,
      humanTier >= 0 && !rt.human ? { route: 'human', toTier: humanTier } : { route: 'give_up' },
    );

  // ---- approvals ----------------------------------------------------------------------------

  /** Asks for a decision and carries it out. */
  const ask = (
    rt: Rt,
    wait: Wait,
    prompt: string,
    payload: Json | undefined,
    timeoutMs: number | undefined,
    onTimeout: PendingApproval['onTimeout'],
  ) => {
    const resumed = rt.resumeApproval;
    rt.resumeApproval = undefined;
    const approvalId = resumed?.approvalId ?? `${runId}:${rt.id}:${rt.attempt}:${ids()}`;
    rt.phase = 'waiting';
    const pending: PendingApproval = {
      nodeId: rt.id,
      attempt: rt.attempt,
      onTimeout,
      settle: (d) => {
        approvals.delete(approvalId);
        if (pending.timer !== undefined) clock.clearTimeout(pending.timer);
        decided.set(approvalId, { decision: d.decision, late: false });
        emit('approval.decided', {
          nodeId: rt.id,
          attempt: rt.attempt,
          approvalId,
          decision: d.decision,
          by: d.by,
          ...(d.comment !== undefined && { comment: d.comment }),
          ...(d.output !== undefined && d.decision === 'approved' && { output: d.output }),
        });
        // Carried out after the decision is emitted, as on resume from a log that ends with it.
        queueMicrotask(() => carryOut(rt, wait, d));
      },
      timeout: () => {
        if (onTimeout !== 'escalate') {
          pending.settle({ decision: onTimeout === 'approve' ? 'approved' : 'rejected', by: 'timeout' });
          // Once the timeout has decided, any decision that arrives is late.
          (decided.get(approvalId) as { late: boolean }).late = true;
          return;
        }
        approvals.delete(approvalId);
        decided.set(approvalId, { late: true });
        queueMicrotask(() => {
          if (!cancelled && rt.phase !== 'done') expire(rt, wait.kind === 'review' ? wait.output : undefined);
        });
      },
    };
    approvals.set(approvalId, pending);
    const expiresAt = resumed
      ? resumed.expiresAt
      : timeoutMs === undefined
        ? undefined
        : new Date(clock.now() + timeoutMs).toISOString();
    if (expiresAt !== undefined)
      pending.timer = clock.setTimeout(() => {
        if (!approvals.has(approvalId)) return;
        pending.timer = undefined;
        pending.timeout();
      }, Date.parse(expiresAt) - clock.now());
    if (!resumed)
      emit('node.awaiting_approval', {
        nodeId: rt.id,
        attempt: rt.attempt,
        approvalId,
        prompt,
        ...(payload !== undefined && { payload }),
        ...(expiresAt !== undefined && { expiresAt }),
      });
  };

  /** The one path from a decision to what follows it, live or after a restart. */
  const carryOut = (rt: Rt, wait: Wait, d: DecisionInput) => {
    if (cancelled || rt.phase === 'done') return;
    if (d.decision === 'rejected')
      return fail(
        rt,
        { message: d.comment ? `rejected: ${d.comment}` : 'rejected', code: 'rejected' },
        false,
      );
    if (wait.kind === 'review') return succeed(rt, d.output ?? wait.output ?? null);
    rt.approvedBefore = true;
    rt.phase = 'queued';
    ready.push(rt.id);
    pump();
  };

  // ---- scheduling ---------------------------------------------------------------------------

  const becomeReady = (rt: Rt) => {
    if (cancelled) return;
    if (rt.resumeDecision) {
      const { decision, wait } = rt.resumeDecision;
      rt.resumeDecision = undefined;
      return carryOut(rt, wait, decision);
    }
    if (rt.human) {
      const { request, review: best } = rt.human;
      const payload = { request, output: best ?? null } as Json;
      ask(
        rt,
        { kind: 'review', output: best },
        `Escalated to a human: ${request.reason}`,
        payload,
        undefined,
        'reject',
      );
      return;
    }
    if (rt.spec.kind === 'approval') {
      const spec = rt.spec;
      const payload = spec.payload === undefined ? undefined : resolveMapping(spec.payload, rt.scope);
      const prompt = renderTemplate(spec.prompt, rt.scope);
      ask(rt, { kind: 'review', output: payload }, prompt, payload, spec.timeoutMs, spec.onTimeout);
      return;
    }
    const approval = rt.spec.approval;
    if (approval?.when === 'before' && !rt.approvedBefore) {
      const prompt = renderTemplate(approval.prompt, rt.scope);
      ask(rt, { kind: 'before' }, prompt, undefined, approval.timeoutMs, approval.onTimeout);
      return;
    }
    ready.push(rt.id);
    pump();
  };
  const pump = () => {
    while (!cancelled && running < maxConcurrency && ready.length > 0) {
      const rt = nodes.get(ready.shift() as string) as Rt;
      if (rt.phase !== 'queued') continue;
      void execute(rt);
    }
  };

  const contextHost: ContextHost = {
    runId,
    ladder,
    tierAt: (t) => ladder[t] as Ladder[number],
    providerFor: (t) => {
      const name = (ladder[t] as Ladder[number]).provider;
      const p = providers[name];
      if (!p) throw new ProviderError(`no provider "${name}" for tier ${t}`, 'no_provider', false);
      return p;
    },
    sleep: (ms, signal) => sleep(clock, ms, signal),
    delta: (rt, text, signal) => {
      if (!signal.aborted) emit('node.output_delta', { nodeId: rt.id, attempt: rt.attempt, text });
    },
    usage: (rt, tier, model, u) => {
      // A call that returns after the run ended (cancelled, or work that ignored its abort) has
      // nowhere to report: nothing may follow the run's last signal.
      if (finished) return;
      const t = ladder[tier] as Ladder[number];
      const costUsd = (u.inputTokens / 1000) * t.costPer1kInput + (u.outputTokens / 1000) * t.costPer1kOutput;
      emit('usage', { nodeId: rt.id, attempt: rt.attempt, tier, model, ...u, costUsd });
    },
    spawn: (rt, spec, opts) => spawn(rt, spec, opts),
    waitFor: (rt, ids) => waitFor(rt, ids),
  };

  const contextFor = (rt: Rt, signalOf: () => AbortSignal): OperationContext =>
    new NodeContext(contextHost, rt, signalOf);

  const execute = async (rt: Rt) => {
    const op = operations[rt.spec.kind];
    rt.phase = 'running';
    running++;
    // An AbortController costs more than the rest of a no-op node: make it only when someone asks.
    let controller: AbortController | undefined;
    const abortController = () => {
      controller ??= new AbortController();
      return controller;
    };
    const signalOf = () => abortController().signal;
    rt.controller = abortController;
    rt.startedAt = clock.now();
    const tierSpec = ladder[rt.tier] as Ladder[number];
    emit('node.started', {
      nodeId: rt.id,
      attempt: rt.attempt,
      tier: rt.tier,
      ...(rt.spec.kind !== 'transform' && { model: tierSpec.model }),
    });
    const attempt = rt.attempt;
    const stale = () => cancelled || rt.attempt !== attempt || rt.phase === 'done' || rt.phase === 'retry';
    let slot = true;
    const release = () => {
      if (slot) {
        slot = false;
        running--;
        pump();
      }
    };
    const timeout =
      rt.spec.timeoutMs === undefined
        ? undefined
        : clock.setTimeout(
            () =>
              abortController().abort(
                new ProviderError(`timed out after ${rt.spec.timeoutMs} ms`, 'timeout'),
              ),
            rt.spec.timeoutMs,
          );
    // Work that ignored its abort and answered after `timeoutMs` still timed out.
    const timedOut = () => {
      if (controller?.signal.aborted) throw controller.signal.reason;
    };
    try {
      if (!op) throw new ProviderError(`no operation for kind ${rt.spec.kind}`, 'executor_error', false);
      const ctx = contextFor(rt, signalOf);
      rt.release = release;
      const gate = rt.spec.gate;
      let output: Json;
      if (gate && op.rate) {
        const raterTier =
          gate.raterTier === undefined
            ? rt.tier
            : tierIndex(gate.raterTier, rt.tier, 'gate.raterTier', rt.id);
        const outcome = await runGate(
          (feedback) => op.work(ctx, feedback ? { ...rt.context, feedback } : rt.context),
          (out, round) =>
            (op.rate as NonNullable<typeof op.rate>)(ctx, out, round, gate.categories, raterTier),
          {
            target: gate.target,
            categories: gate.categories,
            maxTries: gate.maxTries,
            fromTier: rt.tier,
            signal: signalOf(),
          },
          (round) => {
            if (!stale()) emit('confidence.rated', { nodeId: rt.id, attempt, ...round });
          },
        );
        if (stale()) return;
        timedOut();
        const summary = {
          nodeId: rt.id,
          attempt,
          overall: outcome.overall,
          target: gate.target,
          rounds: outcome.rounds,
        };
        if (!outcome.passed) {
          emit('confidence.escalated', summary);
          return escalate(rt, outcome.request, outcome.output);
        }
        emit('confidence.passed', summary);
        output = outcome.output;
      } else output = await op.work(ctx, rt.context);
      if (stale()) return;
      timedOut();
      // The slot is given back in `finally`, after the node's terminal (or awaiting) signal: a node
      // started from `release` must never show up as running beside the one it replaces.
      if (rt.spec.approval?.when === 'after') {
        const a = rt.spec.approval;
        return ask(
          rt,
          { kind: 'review', output },
          renderTemplate(a.prompt, rt.scope),
          output,
          a.timeoutMs,
          a.onTimeout,
        );
      }
      succeed(rt, output);
    } catch (err) {
      if (stale()) return;
      const request = escalationOf(err);
      if (request) return escalate(rt, request, undefined);
      const reason = controller?.signal.aborted ? controller.signal.reason : err;
      fail(rt, errorInfo(reason), !(reason instanceof ProviderError) || reason.retryable);
    } finally {
      if (timeout !== undefined) clock.clearTimeout(timeout);
      rt.release = undefined;
      release();
    }
  };

  // ---- spawn --------------------------------------------------------------------------------

  const spawn = (parent: Rt, raw: Record<string, unknown>, opts: SpawnOptions = {}): string => {
    if (cancelled) throw new ProviderError('the run is cancelled', 'cancelled', false);
    let id = opts.id ?? `${parent.id}[${spawned}]`;
    const existing = nodes.get(id);
    // After a restart the parent runs again: a child it spawned before that succeeded is reused.
    if (existing?.parentId === parent.id && existing.outcome === 'succeeded') return id;
    if (existing?.parentId === parent.id) id = `${id}~${parent.attempt}`;
    if (nodes.has(id)) throw new ProviderError(`node id "${id}" already exists`, 'duplicate_id', false);
    if (spawned >= maxSpawn)
      throw new ProviderError(`spawn limit of ${maxSpawn} reached`, 'spawn_limit', false);
    const parsed = NodeSpecSchema.safeParse({ ...raw, id: 'spawned' });
    if (!parsed.success)
      throw new ProviderError(
        `invalid spawned node: ${summarizeIssues(fromZodIssues(parsed.error.issues))}`,
        'invalid_spawn',
        false,
      );
    // A dependency on a node of an escalation chain waits for the chain's end, like any dependent:
    // only the chain's root is ever resolved, so depending on `x@t1` itself would wait forever.
    const deps = [...new Set((opts.dependsOn ?? []).map((d) => nodes.get(d)?.rootId ?? d))];
    const below = deps.length > 0 ? waitingOn(parent) : undefined;
    for (const d of deps) {
      if (!nodes.has(d))
        throw new ProviderError(`spawned node depends on unknown node "${d}"`, 'invalid_spawn', false);
      // The parent waits for its children, so a child that waits for the parent (or what follows it) is a cycle.
      if (below?.has(d))
        throw new ProviderError(
          `spawned node "${id}" depending on "${d}" would form a cycle`,
          'cycle',
          false,
        );
    }
    spawned++;
    const spec = { ...parsed.data, id } as NodeSpec;
    const start = tierIndex(spec.startTier, parent.tier, 'startTier', id);
    const rt = addNode(
      spec,
      {
        rootId: id,
        tier: start,
        maxTier: tierIndex(spec.maxTier, parent.maxTier, 'maxTier', id),
        deps,
        scope: opts.scope ? Object.assign(Object.create(scope) as TemplateScope, opts.scope) : scope,
      },
      { parentId: parent.id, spawnReason: 'spawn' },
    );
    link(rt);
    return id;
  };

  /**
   * Every node that may be waiting for `parent` to finish, so a node `parent` spawns must not wait for
   * any of them: `parent`, the root of its escalation chain (dependents wait for the chain's end), what
   * follows that root, and the same again for whoever spawned the root (it may be in `waitFor`).
   */
  const waitingOn = (parent: Rt): Set<string> => {
    const graph = buildGraph({
      nodes: [...nodes.values()],
      edges: [...nodes.values()].flatMap((n) => n.deps.map((d) => ({ source: d, target: n.id }))),
    });
    const out = new Set<string>();
    for (let x: Rt | undefined = parent; x !== undefined && !out.has(x.id); ) {
      const root = nodes.get(x.rootId) as Rt;
      out.add(x.id).add(root.id);
      for (const id of descendants(graph, root.id)) out.add(id);
      x = root.parentId === undefined ? undefined : nodes.get(root.parentId);
    }
    return out;
  };

  const waitFor = (parent: Rt, waitIds: string[]): Promise<Json[]> => {
    // Waiting holds no slot: with a concurrency of 1 the children could otherwise never start.
    parent.release?.();
    return Promise.all(
      waitIds.map(
        (id) =>
          new Promise<Json>((resolve, reject) => {
            // Waiting on any node of an escalation chain waits for the chain's end (its root resolves).
            const node = nodes.get(id);
            const rt = node && nodes.get(node.rootId);
            if (!rt) return reject(new ProviderError(`unknown node "${id}"`, 'unknown_node', false));
            const done = (r: Resolution) =>
              r.ok
                ? resolve(r.output ?? null)
                : reject(new ProviderError(`child ${id} did not succeed (${r.skip})`, 'child_failed', false));
            if (rt.resolution) done(rt.resolution);
            else rt.waiters.push(done);
          }),
      ),
    );
  };

  // ---- run end ------------------------------------------------------------------------------

  const settle = () => {
    if (finished || open > 0 || cancelled) return;
    finished = true;
    const failed = firstError !== undefined;
    emit(failed ? 'run.failed' : 'run.succeeded', failed ? { error: firstError as ErrorInfo } : {});
    void end(failed ? 'failed' : 'succeeded');
  };

  const end = async (status: RunStatusFinal) => {
    await emitter.drained();
    emitter.close();
    const outputs: Record<string, Json> = {};
    for (const id of dagIds) {
      const r = (nodes.get(id) as Rt).resolution;
      if (r?.ok) outputs[id] = r.output ?? null;
    }
    const error = fatal !== undefined ? errorInfo(fatal) : firstError;
    resolveResult({ runId, status, outputs, view: emitter.view, ...(error !== undefined && { error }) });
  };

  function cancel(reason?: string) {
    if (finished || cancelled) return;
    cancelled = true;
    finished = true;
    runAbort.abort(reason);
    for (const [id, p] of approvals) {
      if (p.timer !== undefined) clock.clearTimeout(p.timer);
      // The wait ended with the run: a decision that comes now is late, not unknown.
      decided.set(id, { late: true });
    }
    approvals.clear();
    for (const rt of nodes.values()) {
      if (rt.phase === 'done') continue;
      // Waiting out a retry backoff, the node's attempt already ended (node.failed{willRetry}):
      // drop the retry; a node.cancelled now would be a second terminal signal for that attempt.
      if (rt.phase === 'retry') {
        finishNode(rt, 'failed');
        continue;
      }
      rt.controller?.().abort(reason);
      emit('node.cancelled', { nodeId: rt.id, attempt: rt.attempt, ...(reason !== undefined && { reason }) });
      finishNode(rt, 'cancelled');
    }
    emit('run.cancelled', reason !== undefined ? { reason } : {});
    void end('cancelled');
  }

  // ---- recovery -----------------------------------------------------------------------------

  /** Rebuilds the scheduler's state from committed signals and carries on from there. */
  function restore(rec: RecoveredRun) {
    const rootOf = new Map(roots.map((r) => [r[0].id, r]));
    if (!rec.view.startedAt) emit('run.started', { ladder, ...(dag.id && { dagId: dag.id }) });
    for (const [id, d] of rec.decided) decided.set(id, { decision: d, late: rec.timedOut.has(id) });
    // An approval whose wait ended undecided (timed out into an escalation, cancelled) stays closed.
    for (const list of rec.awaiting.values())
      for (const a of list)
        if (
          !decided.has(a.approvalId) &&
          rec.view.nodes.get(a.nodeId)?.pendingApproval?.approvalId !== a.approvalId
        )
          decided.set(a.approvalId, { late: true });
    for (const key of rec.routed) routed.add(key);
    const resume: Rt[] = [];
    for (const n of rec.nodes) {
      const root = rootOf.get(n.id);
      const parent = n.parentId === undefined ? undefined : nodes.get(n.parentId);
      let rt: Rt;
      if (root) {
        rt = addNode(
          root[0],
          { rootId: n.id, tier: n.tier, maxTier: root[2], deps: depsOf.get(n.id) as string[] },
          {},
          false,
        );
      } else if (parent && n.spawnReason === 'escalation') {
        const request = rec.view.nodes.get(parent.id)?.escalation?.request as EscalationRequest;
        // A human rung asks in the same commit that queues it: its first request holds the review.
        const asked = rec.awaiting.get(n.id)?.[0]?.payload as { output?: Json } | undefined;
        rt = addNode(
          { ...parent.spec, id: n.id, ...(n.label !== undefined && { label: n.label }) },
          childInit(parent, request, n.tier, asked?.output),
          { parentId: parent.id, spawnReason: 'escalation' },
          false,
        );
      } else {
        // A spawned node's spec is not in the log: keep what it finished, cancel what it had not;
        // its parent re-runs and reuses the children that succeeded.
        spawned++;
        rt = addNode(
          { id: n.id, kind: 'transform', mapping: null, label: n.label ?? n.id } as NodeSpec,
          { rootId: n.id, tier: n.tier, maxTier: n.tier, deps: [] },
          n.parentId !== undefined ? { parentId: n.parentId, spawnReason: 'spawn' } : {},
          false,
        );
        if (!isTerminalLane(n.lane)) {
          rt.attempt = n.attempt;
          emit('node.cancelled', {
            nodeId: n.id,
            attempt: n.attempt,
            reason: 'restarted; its parent runs again',
          });
          finishNode(rt, 'cancelled');
          rt.resolution = { ok: false, skip: 'upstream_failed' };
          continue;
        }
      }
      rt.attempt = Math.max(1, n.attempt);
      rt.interrupted = rec.interrupted.get(n.id) ?? 0;
      // An approval before the work, once approved, holds for every later attempt.
      rt.approvedBefore ||=
        rt.spec.approval?.when === 'before' &&
        n.decision?.decision === 'approved' &&
        n.lane !== 'awaiting_approval';
      restoreLane(rt, n, rec, resume);
    }
    // DAG nodes whose node.queued never got committed.
    for (const [spec, start, max] of roots)
      if (!nodes.has(spec.id))
        addNode(spec, { rootId: spec.id, tier: start, maxTier: max, deps: depsOf.get(spec.id) as string[] });
    for (const id of dagIds) {
      const rt = nodes.get(id) as Rt;
      if (rt.phase === 'queued' && !resume.includes(rt)) link(rt);
      else for (const d of rt.deps) (nodes.get(d) as Rt).dependents.push(rt.id);
    }
    for (const rt of resume) {
      if (cancelled) break;
      if (rt.phase === 'retry') {
        rt.attempt++;
        rt.phase = 'queued';
        emit('node.queued', { nodeId: rt.id, attempt: rt.attempt, label: rt.label, tier: rt.tier });
        if (rt.rootId !== rt.id || rt.deps.length === 0) becomeReady(rt);
        else link(rt);
      } else if (
        rt.resumeApproval &&
        rt.spec.approval?.when === 'after' &&
        !rt.human &&
        rt.spec.kind !== 'approval'
      ) {
        const a = rt.spec.approval;
        const output = rec.view.nodes.get(rt.id)?.pendingApproval?.payload;
        ask(
          rt,
          { kind: 'review', output },
          renderTemplate(a.prompt, rt.scope),
          output,
          a.timeoutMs,
          a.onTimeout,
        );
      } else if (rt.rootId !== rt.id || rt.deps.length === 0 || rt.resumeApproval || rt.resumeDecision)
        becomeReady(rt);
      else link(rt);
    }
    if (rec.ended) {
      finished = true;
      void end(rec.view.status as RunStatusFinal);
    } else settle();
  }

  /** Puts a rebuilt node where its signals left it. */
  function restoreLane(rt: Rt, n: NodeView, rec: RecoveredRun, resume: Rt[]) {
    switch (n.lane) {
      case 'succeeded':
        finishNode(rt, 'succeeded');
        rt.resolution = { ok: true, output: n.output ?? null, skip: 'upstream_failed' };
        return restoreChain(rt, rt.resolution);
      case 'escalated':
        finishNode(rt, 'escalated');
        if (n.escalation?.route === 'give_up') {
          firstError ??= { message: `${rt.rootId} gave up: ${n.escalation.reason}`, code: 'gave_up' };
          restoreChain(rt, { ok: false, skip: 'upstream_gave_up' });
        }
        return;
      case 'failed':
        if (rec.retryPending.has(rt.id)) {
          rt.phase = 'retry';
          resume.push(rt);
          return;
        }
        finishNode(rt, 'failed');
        firstError ??= {
          message: `${rt.id}: ${n.error?.message ?? 'failed'}`,
          code: n.error?.code ?? 'error',
        };
        return restoreChain(rt, {
          ok: false,
          skip: n.error?.code === 'rejected' ? 'rejected_upstream' : 'upstream_failed',
        });
      case 'skipped':
        finishNode(rt, 'skipped');
        return restoreChain(rt, { ok: false, skip: n.skipReason ?? 'upstream_failed' });
      case 'cancelled':
        finishNode(rt, 'cancelled');
        return;
      case 'running':
        // Its work was lost with the process: the attempt ends, and a new one does the work again.
        emit('node.failed', {
          nodeId: rt.id,
          attempt: n.attempt,
          error: { message: 'interrupted: the process running this attempt stopped', code: 'interrupted' },
          elapsedMs: n.startedAt === undefined ? 0 : Math.max(0, clock.now() - Date.parse(n.startedAt)),
          willRetry: true,
        });
        rt.interrupted++;
        rt.attempt = n.attempt + 1;
        emit('node.queued', { nodeId: rt.id, attempt: rt.attempt, label: rt.label, tier: rt.tier });
        if (rt.rootId !== rt.id) resume.push(rt);
        return;
      case 'awaiting_approval':
        if (n.pendingApproval) {
          rt.resumeApproval = {
            approvalId: n.pendingApproval.approvalId,
            ...(n.pendingApproval.expiresAt !== undefined && { expiresAt: n.pendingApproval.expiresAt }),
          };
          rt.phase = 'waiting';
          resume.push(rt);
        } else if (n.decision?.attempt === n.attempt) {
          // Decided, but what follows the decision was not committed: carry the decision out.
          const asked = rec.awaiting.get(n.id)?.find((a) => a.approvalId === n.decision?.approvalId);
          rt.resumeDecision = { decision: n.decision, wait: waitAt(rt, asked) };
          rt.phase = 'waiting';
          resume.push(rt);
        }
        return;
      case 'queued':
        if (rt.rootId !== rt.id) resume.push(rt);
        return;
    }
  }

  /** What a node was asked, from its spec and the request it had emitted. */
  function waitAt(rt: Rt, asked: SignalOf<'node.awaiting_approval'> | undefined): Wait {
    if (rt.human) return { kind: 'review', output: rt.human.review };
    if (rt.spec.kind === 'approval' || rt.spec.approval?.when === 'after')
      return { kind: 'review', output: asked?.payload };
    return { kind: 'before' };
  }

  /** Records how a chain ended before the restart, without waking anyone: linking does that. */
  function restoreChain(end: Rt, resolution: Resolution) {
    const root = nodes.get(end.rootId) as Rt;
    root.resolution = resolution;
    if (resolution.ok) scope[root.id] = resolution.output;
  }

  // ---- start --------------------------------------------------------------------------------

  const dagIds = dag.nodes.map((n) => n.id);
  const dagEdges = new Map<string, NonNullable<DagSpec['edges'][number]['condition']>[]>();
  const depsOf = new Map<string, string[]>(dagIds.map((id) => [id, []]));
  // Duplicate edges count once. A scan finds them among a handful of sources; past that a set does, so
  // a node with thousands of dependencies does not cost O(deps²).
  const manyDeps = new Map<string, Set<string>>();
  for (const e of dag.edges) {
    const list = depsOf.get(e.target);
    if (list) {
      let set = manyDeps.get(e.target);
      if (set === undefined && list.length >= 16) {
        set = new Set(list);
        manyDeps.set(e.target, set);
      }
      if (set === undefined ? !list.includes(e.source) : !set.has(e.source)) {
        list.push(e.source);
        set?.add(e.source);
      }
    }
    if (e.condition) {
      const key = `${e.source}\u0000${e.target}`;
      dagEdges.set(key, [...(dagEdges.get(key) ?? []), e.condition]);
    }
  }
  const roots = dag.nodes.map((spec) => {
    const start = tierIndex(spec.startTier, 0, 'startTier', spec.id);
    const max = tierIndex(spec.maxTier, topModelTier, 'maxTier', spec.id);
    if (max < start) throw new RunConfigError(`node ${spec.id}: maxTier is below startTier`);
    return [spec, start, max] as const;
  });
  if (options.history && options.history.length > 0) restore(recoverRun(options.history));
  else {
    emit('run.started', { ladder, ...(dag.id && { dagId: dag.id }) });
    for (const [spec, start, max] of roots)
      addNode(spec, { rootId: spec.id, tier: start, maxTier: max, deps: depsOf.get(spec.id) as string[] });
    // An already-aborted signal cancels before any work starts (below).
    if (!options.signal?.aborted) for (const id of dagIds) link(nodes.get(id) as Rt);
  }
  options.signal?.addEventListener('abort', () => cancel(String(options.signal?.reason ?? 'aborted')), {
    once: true,
  });
  if (options.signal?.aborted) cancel(String(options.signal.reason ?? 'aborted'));

  return {
    runId,
    view: emitter.view,
    signals: emitter.committed,
    subscribe: emitter.subscribe,
    [Symbol.asyncIterator]: () => emitter.iterate(0),
    decide(approvalId, input) {
      const pending = approvals.get(approvalId);
      if (pending) {
        pending.settle({ ...input, by: input.by ?? 'anonymous' });
        return { ok: true, duplicate: false };
      }
      const prior = decided.get(approvalId);
      if (!prior)
        return {
          ok: false,
          code: 'unknown_approval',
          message: `no approval "${approvalId}" in run ${runId}`,
        };
      if (prior.late) return { ok: false, code: 'late', message: `approval "${approvalId}" timed out` };
      if (prior.decision === input.decision) return { ok: true, duplicate: true };
      return {
        ok: false,
        code: 'conflict',
        message: `approval "${approvalId}" was already ${prior.decision}`,
      };
    },
    cancel,
    result,
  };
};
