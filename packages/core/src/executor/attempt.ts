import type { NodeSpec } from '../dag.ts';
import type { ErrorInfo, Json } from '../signals.ts';
import type { TemplateScope } from '../template.ts';
import type { Tier } from '../tier.ts';
import { answerSoon } from './answer-soon.ts';
import { askAfter } from './approval-desk.ts';
import { sleep } from './clock.ts';
import { tierIndex } from './dag-index.ts';
import { escalationOf } from './escalate.ts';
import { escalate } from './escalation-chain.ts';
import { runGate } from './gate.ts';
import { fail, pump, succeed } from './lifecycle.ts';
import { type AttemptWork, moveTo, type NodeRecord } from './node-record.ts';
import { type Operation, type OperationContext, operations } from './operations.ts';
import { ProviderError } from './provider.ts';
import type { RunState } from './run-state.ts';
import { spawn, waitFor } from './spawn.ts';

export const errorInfo = (err: unknown): ErrorInfo => ({
  message: err instanceof Error ? err.message : String(err),
  code:
    err instanceof ProviderError
      ? err.code
      : err instanceof Error && err.name !== 'Error'
        ? err.name
        : 'error',
});

/**
 * One attempt's work: what an operation sees while it runs (OperationContext), and what the executor
 * can do to it (abort, give its slot back). Creating it must be cheap, as a no-op node costs little
 * more: the AbortController behind `signal` (dearer than the rest of a no-op node) is made only when
 * someone reads it or aborts, and the node-bound functions are made on first read and then kept (they
 * are read as values too: `sleep: ctx.sleep`). A class, because an object literal with getters is
 * itself slow to create, and its methods are not closures made per attempt.
 */
class Attempt implements OperationContext, AttemptWork {
  attempt: number;
  tries: number;
  tier: number;
  /** Whether the work goes through the confidence gate. */
  gated = false;
  /** The work's timeout, until the attempt ends. */
  timeout: unknown = undefined;
  /** What the work answered at once, until the microtask that ends the attempt. */
  answer: Json | undefined = undefined;
  #run: RunState;
  #node: NodeRecord;
  #controller?: AbortController;
  #slot = true;
  /** The node-bound functions, made on first read (most work reads none of them). */
  #made?: Partial<Pick<OperationContext, 'sleep' | 'delta' | 'usage' | 'spawn' | 'waitFor'>>;
  /**
   * An attempt that lives as long as the class, and never runs. An instance gets its layout by adding
   * its fields one by one, and V8 forgets such a layout, with the code optimised for it, once no object
   * has it: after each full collection between runs, a run would pay to optimise the executor again
   * (twice the time of a 10,000-node no-op run). This one keeps the layout alive.
   */
  static readonly layoutKeeper: Attempt = new Attempt(
    {} as RunState,
    { attempt: 1, interrupted: 0, tier: 0 } as NodeRecord,
  );
  constructor(run: RunState, node: NodeRecord) {
    this.attempt = node.attempt;
    this.tries = node.attempt - node.interrupted;
    this.tier = node.tier;
    this.#run = run;
    this.#node = node;
  }
  // What does not change during an attempt is read through: fewer fields to fill per attempt.
  get runId(): string {
    return this.#run.runId;
  }
  get nodeId(): string {
    return this.#node.id;
  }
  get spec(): NodeSpec {
    return this.#node.spec;
  }
  get scope(): TemplateScope {
    return this.#node.scope;
  }
  get tierSpec(): Tier {
    return this.#run.ladder[this.tier] as Tier;
  }
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }
  abort(reason: unknown): void {
    this.#controller ??= new AbortController();
    this.#controller.abort(reason);
  }
  /** Why the work was aborted (a timeout, a cancel), if it was. */
  get abortReason(): { reason: unknown } | undefined {
    return this.#controller?.signal.aborted ? { reason: this.#controller.signal.reason } : undefined;
  }
  /** The work answered `out`; gated work that answers nothing was already ended by its gate. */
  answered(out: Json | undefined): void {
    try {
      if (!this.gated || out !== undefined) workAnswered(this.#run, this.#node, this, out as Json);
    } catch (err) {
      workFailed(this.#run, this.#node, this, err);
    }
    this.#done();
  }
  failed(err: unknown): void {
    workFailed(this.#run, this.#node, this, err);
    this.#done();
  }
  // The slot is given back after the node's terminal (or awaiting) signal: a node started from
  // `release` must never show up as running beside the one it replaces.
  #done(): void {
    if (this.timeout !== undefined) this.#run.clock.clearTimeout(this.timeout);
    this.release();
  }
  release(): void {
    if (!this.#slot) return;
    this.#slot = false;
    this.#run.running--;
    pump(this.#run);
  }
  tierAt(t: number): Tier {
    return this.#run.ladder[t] as Tier;
  }
  providerFor(t: number): ReturnType<OperationContext['providerFor']> {
    const name = (this.#run.ladder[t] as Tier).provider;
    const p = this.#run.providers[name];
    if (!p) throw new ProviderError(`no provider "${name}" for tier ${t}`, 'no_provider', false);
    return p;
  }
  get sleep(): OperationContext['sleep'] {
    this.#made ??= {};
    this.#made.sleep ??= (ms) => sleep(this.#run.clock, ms, this.signal);
    return this.#made.sleep;
  }
  get delta(): OperationContext['delta'] {
    this.#made ??= {};
    this.#made.delta ??= (text) => {
      if (!this.signal.aborted)
        this.#run.emitter.emit('node.output_delta', { nodeId: this.nodeId, attempt: this.attempt, text });
    };
    return this.#made.delta;
  }
  get usage(): OperationContext['usage'] {
    this.#made ??= {};
    this.#made.usage ??= (tier, model, u) => {
      // A call that returns after the run ended (cancelled, or work that ignored its abort) has
      // nowhere to report: nothing may follow the run's last signal.
      if (this.#run.finished) return;
      const t = this.#run.ladder[tier] as Tier;
      const costUsd = (u.inputTokens / 1000) * t.costPer1kInput + (u.outputTokens / 1000) * t.costPer1kOutput;
      this.#run.emitter.emit('usage', {
        nodeId: this.nodeId,
        attempt: this.attempt,
        tier,
        model,
        ...u,
        costUsd,
      });
    };
    return this.#made.usage;
  }
  get spawn(): OperationContext['spawn'] {
    this.#made ??= {};
    this.#made.spawn ??= (spec, opts) => spawn(this.#run, this.#node, spec, opts);
    return this.#made.spawn;
  }
  note(reason: string, evidence?: string[]): void {
    // A note from work whose attempt already ended has no answer left to go with.
    if (this.#run.finished || this.#node.work !== this || this.#node.phase !== 'running') return;
    this.#run.emitter.emit('escalation.requested', {
      nodeId: this.nodeId,
      attempt: this.attempt,
      request: {
        reason,
        trigger: 'manual',
        urgency: 'fyi',
        fromTier: this.tier,
        ...(evidence !== undefined && { evidence }),
      },
    });
  }
  get waitFor(): OperationContext['waitFor'] {
    this.#made ??= {};
    this.#made.waitFor ??= (ids) => waitFor(this.#run, this.#node, ids);
    return this.#made.waitFor;
  }
}

/** Whether the attempt's end no longer matters: the run was cancelled, or the node moved on. */
const isStale = (run: RunState, node: NodeRecord, attempt: number): boolean =>
  run.cancelled || node.attempt !== attempt || node.phase !== 'running';

/**
 * The work through its confidence gate: rounds until it passes, else the attempt escalates. Resolves
 * with the passing output, or with nothing when the gate already ended the attempt.
 */
const gatedWork = async (
  run: RunState,
  node: NodeRecord,
  work: Attempt,
  op: Operation,
): Promise<Json | undefined> => {
  const gate = node.spec.gate as NonNullable<NodeSpec['gate']>;
  const rate = op.rate as NonNullable<Operation['rate']>;
  const attempt = node.attempt;
  const raterTier =
    gate.raterTier === undefined
      ? node.tier
      : tierIndex(run, gate.raterTier, node.tier, 'gate.raterTier', node.id);
  const outcome = await runGate(
    (feedback) => op.work(work, feedback ? { ...node.context, feedback } : node.context),
    (out, round) => rate(work, out, round, gate.categories, raterTier),
    {
      target: gate.target,
      categories: gate.categories,
      maxTries: gate.maxTries,
      fromTier: node.tier,
      signal: work.signal,
    },
    (round) => {
      if (!isStale(run, node, attempt))
        run.emitter.emit('confidence.rated', { nodeId: node.id, attempt, ...round });
    },
  );
  if (isStale(run, node, attempt)) return undefined;
  // Work that ignored its abort and answered after `timeoutMs` still timed out.
  if (work.abortReason) throw work.abortReason.reason;
  const summary = {
    nodeId: node.id,
    attempt,
    overall: outcome.overall,
    target: gate.target,
    rounds: outcome.rounds,
  };
  if (!outcome.passed) {
    run.emitter.emit('confidence.escalated', summary);
    escalate(run, node, outcome.request, outcome.output);
    return undefined;
  }
  run.emitter.emit('confidence.passed', summary);
  return outcome.output;
};

/** The attempt's work failed (or was aborted): escalate, retry or fail. */
const workFailed = (run: RunState, node: NodeRecord, work: Attempt, err: unknown) => {
  if (isStale(run, node, work.attempt)) return;
  const request = escalationOf(err);
  if (request) return escalate(run, node, request, undefined);
  const reason = work.abortReason ? work.abortReason.reason : err;
  fail(run, node, errorInfo(reason), !(reason instanceof ProviderError) || reason.retryable);
};

/** The attempt's work answered: success, or review first. */
const workAnswered = (run: RunState, node: NodeRecord, work: Attempt, output: Json) => {
  if (isStale(run, node, work.attempt)) return;
  if (work.abortReason) return workFailed(run, node, work, work.abortReason.reason);
  if (node.spec.approval?.when === 'after') return askAfter(run, node, output);
  succeed(run, node, output);
};

/**
 * Runs one attempt of `node` in a concurrency slot: `node.started`, the work (through the confidence
 * gate when it has one, under its timeout), then its end: success, review, escalation or failure.
 * Work that answers after its attempt ended (cancelled, timed out, superseded) changes nothing.
 * Not an async function: a no-op node costs little more than its work, and a suspended async frame
 * per attempt cost more than the rest of it.
 */
export const execute = (run: RunState, node: NodeRecord): void => {
  const op = operations[node.spec.kind];
  moveTo(node, 'running');
  run.running++;
  const work = new Attempt(run, node);
  node.work = work;
  node.startedAt = run.clock.now();
  const spec = node.spec;
  if (spec.kind === 'transform')
    run.emitter.emitBuilt(
      {
        type: 'node.started',
        runId: run.runId,
        seq: 0,
        at: '',
        nodeId: node.id,
        attempt: node.attempt,
        tier: node.tier,
      },
      node.startedAt,
      node,
    );
  else
    run.emitter.emit('node.started', {
      nodeId: node.id,
      attempt: node.attempt,
      tier: node.tier,
      model: work.tierSpec.model,
    });
  const limit = spec.timeoutMs;
  if (limit !== undefined)
    work.timeout = run.clock.setTimeout(
      () => work.abort(new ProviderError(`timed out after ${limit} ms`, 'timeout')),
      limit,
    );
  work.gated = spec.gate !== undefined && op?.rate !== undefined;
  let answer: Json | Promise<Json | undefined>;
  try {
    if (!op) throw new ProviderError(`no operation for kind ${spec.kind}`, 'executor_error', false);
    answer = work.gated ? gatedWork(run, node, work, op) : op.work(work, node.context);
  } catch (err) {
    answer = Promise.reject(err);
  }
  // JSON holds no functions, so a `then` function marks a promise.
  if (typeof (answer as { then?: unknown } | null)?.then === 'function')
    (answer as Promise<Json | undefined>).then(
      (out) => work.answered(out),
      (err: unknown) => work.failed(err),
    );
  else {
    answerSoon(work, answer as Json);
  }
};
