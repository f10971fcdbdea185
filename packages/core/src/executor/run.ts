import type { DagSpec, NodeSpec, StartTier } from '../dag.ts';
import type { TierHistory } from '../economics/history.ts';
import type { TierPolicyOptions } from '../economics/policy.ts';
import { createSimProvider } from '../providers/sim.ts';
import type { RunView } from '../run-view.ts';
import type { Json, Signal } from '../signals.ts';
import { defaultLadder, type Ladder } from '../tier.ts';
import { type DecideResult, decide } from './approval-desk.ts';
import { type Clock, realClock } from './clock.ts';
import {
  indexDag,
  indexLadder,
  noDeps,
  planStarts,
  type StartPlan,
  type StartPolicy,
  wireEdges,
} from './dag-index.ts';
import { createEmitter, type SignalListener } from './emitter.ts';
import { addNode, link } from './lifecycle.ts';
import type { SignalLog } from './log.ts';
import type { DecisionInput, NodeRecord } from './node-record.ts';
import type { Provider } from './provider.ts';
import { recoverRun, resume } from './resume.ts';
import { cancel } from './run-end.ts';
import { createRunScope } from './run-scope.ts';
import type { RunResult, RunState } from './run-state.ts';

export type { DecideResult } from './approval-desk.ts';
export { RunConfigError } from './dag-index.ts';
export type { DecisionInput } from './node-record.ts';
export type { RunResult } from './run-state.ts';

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
  /** Source of randomness for backoff jitter and the start-tier policy's exploration. */
  random?: () => number;
  /** Where nodes that set no `startTier` start, over the DAG's `startTier` (`"auto"`: learned). */
  startTier?: StartTier;
  /**
   * The DAG's node history (see `foldHistory`), read by the start-tier policy for nodes that start at
   * `"auto"`; without it such nodes start at the cheapest tier.
   */
  tierHistory?: TierHistory;
  /** How the start-tier policy decides (history needed, exploration, prior). */
  tierPolicy?: TierPolicyOptions;
  /** Where each batch of signals is committed before anyone sees it; by default only the handle keeps them. */
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

export type RunStatusFinal = RunResult['status'];

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

let runCounter = 0;
const defaultIds = () =>
  `${Date.now().toString(36)}-${(runCounter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Starts a run of a validated DAG. Every queued node reaches exactly one terminal lane per attempt on
 * every path; signals are committed to `options.log` before anyone sees them.
 */
export const startRun = (dag: DagSpec, options: RunOptions = {}): RunHandle => {
  const ids = options.ids ?? defaultIds;
  const ladder = indexLadder(options.ladder ?? dag.ladder ?? defaultLadder);
  const random = options.random ?? Math.random;
  // Objects the hot path reads are written as literals with every field, never spread or grown: V8
  // forgets a layout built by adding fields once no object has it (a full collection between runs),
  // and throws away the code optimised for it, so each run would pay to optimise the executor again.
  const policy: StartPolicy = {
    random,
    startTier: options.startTier,
    history: options.tierHistory,
    options: options.tierPolicy,
  };
  // Both throw a RunConfigError before anything is emitted. A resumed run rebuilds its nodes from the
  // log against the DAG index; a fresh one makes its node records straight from the plan.
  const history = options.history && options.history.length > 0 ? options.history : undefined;
  const index = history ? indexDag(dag, ladder, policy) : undefined;
  const plan = history ? undefined : planStarts(dag, ladder, policy);
  const runId = options.runId ?? ids();
  const clock = options.clock ?? realClock;
  const inputs: Record<string, Json> = { ...dag.inputs, ...options.inputs };
  let resolveResult!: (r: RunResult) => void;
  const result = new Promise<RunResult>((r) => {
    resolveResult = r;
  });
  const emitter = createEmitter({
    runId,
    ...(options.history && { history: options.history }),
    ...(options.log && { log: options.log }),
    clock,
    ...(options.onListenerError && { onListenerError: options.onListenerError }),
    onFatal: (err) => {
      run.fatal = err;
      cancel(run, 'log failure');
    },
  });
  const nodes = new Map<string, NodeRecord>();
  const run: RunState = {
    ladder: ladder.ladder,
    humanTier: ladder.humanTier,
    topModelTier: ladder.topModelTier,
    runId,
    clock,
    ids,
    random,
    providers: { sim: createSimProvider(), ...options.providers },
    maxConcurrency: Math.max(1, options.maxConcurrency ?? 8),
    maxSpawn: options.maxSpawn ?? 1000,
    maxDepth: options.maxEscalationDepth ?? 3,
    dag: index ?? { roots: [], byId: new Map(), conditions: new Map() },
    emitter,
    nodes,
    ready: [],
    readyHead: 0,
    approvals: new Map(),
    decided: new Map(),
    routed: new Set(),
    outputIds: [],
    outputValues: [],
    scope: createRunScope(inputs, nodes),
    running: 0,
    open: 0,
    spawned: 0,
    finished: false,
    cancelled: false,
    firstError: undefined,
    fatal: undefined,
    skips: [],
    skipping: false,
    resolveResult,
    runAbort: new AbortController(),
  };

  if (history) resume(run, recoverRun(history), dag.id);
  else {
    const { start, max, reasons } = plan as StartPlan;
    run.emitter.emit('run.started', { ladder: run.ladder, ...(dag.id && { dagId: dag.id }) });
    // Indexed loops: this runs once per run, before the JIT would make a `for of` free.
    const specs = dag.nodes;
    const added: NodeRecord[] = new Array(specs.length);
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i] as NodeSpec;
      const tierReason = reasons.get(i);
      added[i] = addNode(
        run,
        spec,
        { rootId: spec.id, tier: start[i] as number, maxTier: max[i] as number, deps: noDeps },
        tierReason && { tierReason },
      );
    }
    run.dag.conditions = wireEdges(dag.edges, (id) => run.nodes.get(id), added);
    // An already-aborted signal cancels before any work starts (below).
    if (!options.signal?.aborted) for (let i = 0; i < added.length; i++) link(run, added[i] as NodeRecord);
  }
  // From here on the run reads only the edge conditions of its DAG index: its nodes are records now.
  if (index) run.dag = { roots: [], byId: new Map(), conditions: index.conditions };
  const signal = options.signal;
  signal?.addEventListener('abort', () => cancel(run, String(signal.reason ?? 'aborted')), { once: true });
  if (signal?.aborted) cancel(run, String(signal.reason ?? 'aborted'));

  return {
    runId,
    view: emitter.view,
    signals: emitter.committed,
    subscribe: (listener) => emitter.subscribe(listener),
    [Symbol.asyncIterator]: () => emitter.iterate(0),
    decide: (approvalId, input) => decide(run, approvalId, input),
    cancel: (reason) => cancel(run, reason),
    result,
  };
};
