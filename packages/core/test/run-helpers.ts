/** Helpers for executor tests: build a DAG through validateDag, run it on virtual time, collect signals. */
import {
  apply,
  createRunView,
  createSimProvider,
  createVirtualClock,
  type DagSpec,
  type Json,
  type Ladder,
  type Lane,
  type Provider,
  type RunHandle,
  type RunOptions,
  type RunResult,
  type RunView,
  type Signal,
  type SignalOf,
  type SignalType,
  startRun,
  summarizeIssues,
  type VirtualClock,
  validateDag,
} from '../src/index.ts';

/** Validates `input` as a DAG document and returns the parsed DAG; throws with every issue otherwise. */
export const buildDag = (input: Record<string, unknown>): DagSpec => {
  const v = validateDag({ id: 'dag', edges: [], ...input });
  if (!v.ok) throw new Error(`invalid test DAG: ${summarizeIssues(v.issues)}`);
  return v.value;
};

const simTier = (name: string) => ({
  name,
  provider: 'sim',
  model: `sim-${name}`,
  costPer1kInput: 0.001,
  costPer1kOutput: 0.002,
});
export const humanTier = {
  name: 'human',
  provider: 'human',
  model: 'human',
  costPer1kInput: 0,
  costPer1kOutput: 0,
};
/** Model tiers `small`, `medium`, `large` (as many as `models`), optionally topped by the human rung. */
export const ladderOf = (models: number, human: boolean): Ladder => [
  ...['small', 'medium', 'large', 'xlarge'].slice(0, models).map(simTier),
  ...(human ? [humanTier] : []),
];

export interface Started {
  handle: RunHandle;
  clock: VirtualClock;
  /** Every signal as delivered to a subscriber, in order (grows while the run goes on). */
  signals: Signal[];
  /** Resolves with the run's result (and stops the virtual clock). */
  done(): Promise<RunResult>;
  /** Resolves with the first delivered signal matching `pred` (already delivered ones count). */
  next<T extends SignalType>(type: T, pred?: (s: SignalOf<T>) => boolean): Promise<SignalOf<T>>;
}

export type StartOptions = RunOptions & {
  /** Called with every delivered signal, after it is recorded. */
  onSignal?: (s: Signal, handle: RunHandle) => void;
};

/**
 * Starts a run on a fresh auto-advancing virtual clock with deterministic ids (`run-1`, approval
 * suffixes 1, 2, …) and jitter fixed at the middle (`random = 0.5`, i.e. no jitter effect).
 */
export const start = (dag: DagSpec, options: StartOptions = {}): Started => {
  const { onSignal, ...opts } = options;
  const clock = (opts.clock as VirtualClock | undefined) ?? createVirtualClock();
  let n = 0;
  const handle = startRun(dag, {
    runId: 'run-1',
    ids: () => String(++n),
    random: () => 0.5,
    ...opts,
    clock,
  });
  const signals: Signal[] = [];
  const waiting: Array<{ type: SignalType; pred: (s: Signal) => boolean; resolve: (s: Signal) => void }> = [];
  handle.subscribe((s) => {
    signals.push(s);
    onSignal?.(s, handle);
    for (let i = waiting.length - 1; i >= 0; i--) {
      const w = waiting[i] as (typeof waiting)[number];
      if (w.type === s.type && w.pred(s)) {
        waiting.splice(i, 1);
        w.resolve(s);
      }
    }
  });
  return {
    handle,
    clock,
    signals,
    async done() {
      try {
        return await handle.result;
      } finally {
        clock.stop();
      }
    },
    next(type, pred = () => true) {
      const p = pred as (s: Signal) => boolean;
      const hit = signals.find((s) => s.type === type && p(s));
      if (hit) return Promise.resolve(hit as never);
      return new Promise((resolve) =>
        waiting.push({ type, pred: p, resolve: resolve as (s: Signal) => void }),
      );
    },
  };
};

/** Runs `dag` to the end and returns the result with every delivered signal. */
export const runDag = async (
  dag: DagSpec,
  options: StartOptions = {},
): Promise<{ result: RunResult; signals: Signal[]; handle: RunHandle; clock: VirtualClock }> => {
  const s = start(dag, options);
  const result = await s.done();
  return { result, signals: s.signals, handle: s.handle, clock: s.clock };
};

/** One node's signals, in order. */
export const ofNode = (signals: readonly Signal[], nodeId: string): Signal[] =>
  signals.filter((s) => 'nodeId' in s && s.nodeId === nodeId);

/** One node's signal types, in order; `usage` and `node.output_delta` left out unless asked for. */
export const typesOf = (signals: readonly Signal[], nodeId: string, all = false): string[] =>
  ofNode(signals, nodeId)
    .filter((s) => all || (s.type !== 'usage' && s.type !== 'node.output_delta'))
    .map((s) => s.type);

/** The whole run as `type` or `type nodeId` strings (no usage / output deltas unless `all`). */
export const trace = (signals: readonly Signal[], all = false): string[] =>
  signals
    .filter((s) => all || (s.type !== 'usage' && s.type !== 'node.output_delta'))
    .map((s) => ('nodeId' in s ? `${s.type} ${s.nodeId}` : s.type));

/** The signals of one type (optionally of one node). */
export const pick = <T extends SignalType>(
  signals: readonly Signal[],
  type: T,
  nodeId?: string,
): SignalOf<T>[] =>
  signals.filter(
    (s): s is SignalOf<T> & Signal =>
      s.type === type && (nodeId === undefined || ('nodeId' in s && s.nodeId === nodeId)),
  ) as SignalOf<T>[];

/** The one signal of `type` for `nodeId`; throws unless there is exactly one. */
export const only = <T extends SignalType>(
  signals: readonly Signal[],
  type: T,
  nodeId?: string,
): SignalOf<T> => {
  const found = pick(signals, type, nodeId);
  if (found.length !== 1) throw new Error(`expected one ${type} for ${nodeId}, got ${found.length}`);
  return found[0] as SignalOf<T>;
};

/** Folds signals one at a time, calling `each` with the view after every signal. */
export const foldEach = (signals: readonly Signal[], each: (view: RunView, s: Signal) => void): RunView => {
  const view = createRunView();
  for (const s of signals) {
    apply(view, s);
    each(view, s);
  }
  return view;
};

/** The lane of every node in the final projection. */
export const lanesOf = (view: RunView): Record<string, Lane> =>
  Object.fromEntries([...view.nodes].map(([id, n]) => [id, n.lane]));

/** A provider whose completions are answered by `fn` (after the request is recorded). */
export const scriptedProvider = (
  fn: (req: Parameters<Provider['complete']>[0], opts: Parameters<Provider['complete']>[1]) => Promise<Json>,
): Provider & { requests: Array<Parameters<Provider['complete']>[0]>; signals: AbortSignal[] } => {
  const requests: Array<Parameters<Provider['complete']>[0]> = [];
  const signals: AbortSignal[] = [];
  return {
    requests,
    signals,
    async complete(req, opts) {
      requests.push(req);
      signals.push(opts.signal);
      const output = await fn(req, opts);
      return { output, usage: { inputTokens: 1, outputTokens: 1 }, model: req.tierSpec.model };
    },
    async rate(req) {
      return {
        ratings: Object.fromEntries(req.categories.map((c) => [c, 1])),
        usage: { inputTokens: 1, outputTokens: 1 },
        model: req.tierSpec.model,
      };
    },
  };
};

/** The sim provider, recording every completion and rating request it gets. */
export const recordingSim = (): Provider & {
  requests: Array<Parameters<Provider['complete']>[0]>;
  ratings: Array<Parameters<Provider['rate']>[0]>;
} => {
  const sim = createSimProvider();
  const requests: Array<Parameters<Provider['complete']>[0]> = [];
  const ratings: Array<Parameters<Provider['rate']>[0]> = [];
  return {
    requests,
    ratings,
    complete(req, opts) {
      requests.push(req);
      return sim.complete(req, opts);
    },
    rate(req, opts) {
      ratings.push(req);
      return sim.rate(req, opts);
    },
  };
};

/** A promise that never settles unless the abort signal fires (then rejects with its reason). */
export const untilAborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/** Real-time pause, to show that nothing more happens after a run ended. */
export const realPause = (ms: number): Promise<void> => new Promise((r) => setTimeout(() => r(), ms));

/** Rejects if `p` has not settled after `ms` of real time (a hung run fails instead of timing out). */
export const within = <T>(p: Promise<T>, ms: number, what = 'run'): Promise<T> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
