import type { NodeSpec } from '../dag.ts';
import type { ErrorInfo, Json } from '../signals.ts';
import { renderTemplate, type TemplateScope } from '../template.ts';
import type { Tier } from '../tier.ts';
import { ask } from './approval-desk.ts';
import { sleep } from './clock.ts';
import { tierIndex } from './dag-index.ts';
import { escalationOf } from './escalate.ts';
import { escalate } from './escalation-chain.ts';
import { runGate } from './gate.ts';
import { fail, pump, succeed } from './lifecycle.ts';
import { moveTo, type NodeRecord } from './node-record.ts';
import { type OperationContext, operations } from './operations.ts';
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
  #run: RunState;
  #node: NodeRecord;
  #signalOf: () => AbortSignal;
  #sleep?: OperationContext['sleep'];
  #delta?: OperationContext['delta'];
  #usage?: OperationContext['usage'];
  #spawn?: OperationContext['spawn'];
  #waitFor?: OperationContext['waitFor'];
  constructor(run: RunState, node: NodeRecord, signalOf: () => AbortSignal) {
    this.runId = run.runId;
    this.nodeId = node.id;
    this.attempt = node.attempt;
    this.tries = node.attempt - node.interrupted;
    this.tier = node.tier;
    this.tierSpec = run.ladder[node.tier] as Tier;
    this.spec = node.spec;
    this.scope = node.scope;
    this.#run = run;
    this.#node = node;
    this.#signalOf = signalOf;
  }
  get signal(): AbortSignal {
    return this.#signalOf();
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
    this.#sleep ??= (ms) => sleep(this.#run.clock, ms, this.#signalOf());
    return this.#sleep;
  }
  get delta(): OperationContext['delta'] {
    this.#delta ??= (text) => {
      if (!this.#signalOf().aborted)
        this.#run.emit('node.output_delta', { nodeId: this.nodeId, attempt: this.attempt, text });
    };
    return this.#delta;
  }
  get usage(): OperationContext['usage'] {
    this.#usage ??= (tier, model, u) => {
      // A call that returns after the run ended (cancelled, or work that ignored its abort) has
      // nowhere to report: nothing may follow the run's last signal.
      if (this.#run.finished) return;
      const t = this.#run.ladder[tier] as Tier;
      const costUsd = (u.inputTokens / 1000) * t.costPer1kInput + (u.outputTokens / 1000) * t.costPer1kOutput;
      this.#run.emit('usage', { nodeId: this.nodeId, attempt: this.attempt, tier, model, ...u, costUsd });
    };
    return this.#usage;
  }
  get spawn(): OperationContext['spawn'] {
    this.#spawn ??= (spec, opts) => spawn(this.#run, this.#node, spec, opts);
    return this.#spawn;
  }
  get waitFor(): OperationContext['waitFor'] {
    this.#waitFor ??= (ids) => waitFor(this.#run, this.#node, ids);
    return this.#waitFor;
  }
}

/**
 * Runs one attempt of `node` in a concurrency slot: `node.started`, the work (through the confidence
 * gate when it has one, under its timeout), then its end: success, review, escalation or failure.
 * Work that answers after its attempt ended (cancelled, timed out, superseded) changes nothing.
 */
export const execute = async (run: RunState, node: NodeRecord): Promise<void> => {
  const op = operations[node.spec.kind];
  moveTo(node, 'running');
  run.running++;
  // An AbortController costs more than the rest of a no-op node: make it only when someone asks.
  let controller: AbortController | undefined;
  const abortController = () => {
    controller ??= new AbortController();
    return controller;
  };
  const signalOf = () => abortController().signal;
  node.controller = abortController;
  node.startedAt = run.clock.now();
  const attempt = node.attempt;
  run.emit('node.started', {
    nodeId: node.id,
    attempt,
    tier: node.tier,
    ...(node.spec.kind !== 'transform' && { model: (run.ladder[node.tier] as Tier).model }),
  });
  const stale = () => run.cancelled || node.attempt !== attempt || node.phase !== 'running';
  let slot = true;
  const release = () => {
    if (slot) {
      slot = false;
      run.running--;
      pump(run);
    }
  };
  const limit = node.spec.timeoutMs;
  const timeout =
    limit === undefined
      ? undefined
      : run.clock.setTimeout(
          () => abortController().abort(new ProviderError(`timed out after ${limit} ms`, 'timeout')),
          limit,
        );
  // Work that ignored its abort and answered after `timeoutMs` still timed out.
  const timedOut = () => {
    if (controller?.signal.aborted) throw controller.signal.reason;
  };
  try {
    if (!op) throw new ProviderError(`no operation for kind ${node.spec.kind}`, 'executor_error', false);
    const ctx = new NodeContext(run, node, signalOf);
    node.release = release;
    const gate = node.spec.gate;
    let output: Json;
    if (gate && op.rate) {
      const rate = op.rate;
      const raterTier =
        gate.raterTier === undefined
          ? node.tier
          : tierIndex(run, gate.raterTier, node.tier, 'gate.raterTier', node.id);
      const outcome = await runGate(
        (feedback) => op.work(ctx, feedback ? { ...node.context, feedback } : node.context),
        (out, round) => rate(ctx, out, round, gate.categories, raterTier),
        {
          target: gate.target,
          categories: gate.categories,
          maxTries: gate.maxTries,
          fromTier: node.tier,
          signal: signalOf(),
        },
        (round) => {
          if (!stale()) run.emit('confidence.rated', { nodeId: node.id, attempt, ...round });
        },
      );
      if (stale()) return;
      timedOut();
      const summary = {
        nodeId: node.id,
        attempt,
        overall: outcome.overall,
        target: gate.target,
        rounds: outcome.rounds,
      };
      if (!outcome.passed) {
        run.emit('confidence.escalated', summary);
        return escalate(run, node, outcome.request, outcome.output);
      }
      run.emit('confidence.passed', summary);
      output = outcome.output;
    } else output = await op.work(ctx, node.context);
    if (stale()) return;
    timedOut();
    // The slot is given back in `finally`, after the node's terminal (or awaiting) signal: a node
    // started from `release` must never show up as running beside the one it replaces.
    const a = node.spec.approval;
    if (a?.when === 'after')
      return ask(
        run,
        node,
        { kind: 'review', output },
        renderTemplate(a.prompt, node.scope),
        output,
        a.timeoutMs,
        a.onTimeout,
      );
    succeed(run, node, output);
  } catch (err) {
    if (stale()) return;
    const request = escalationOf(err);
    if (request) return escalate(run, node, request, undefined);
    const reason = controller?.signal.aborted ? controller.signal.reason : err;
    fail(run, node, errorInfo(reason), !(reason instanceof ProviderError) || reason.retryable);
  } finally {
    if (timeout !== undefined) run.clock.clearTimeout(timeout);
    node.release = undefined;
    release();
  }
};
