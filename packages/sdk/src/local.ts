import {
  type DagRecord,
  type DagSpec,
  invalidDagMessage,
  type Ladder,
  observeRun,
  type Provider,
  projectRun,
  type RunHandle,
  type RunSnapshot,
  type RunSummary,
  type RunView,
  resolveRunInputs,
  runTotals,
  type Signal,
  StartTierSchema,
  snapshotNodes,
  staleVersionError,
  startRun,
  summarizeIssues,
  type TierHistory,
  type TierPolicyOptions,
  usesStartTierPolicy,
  validateDag,
} from '@laneflow/core';
import { HttpError } from './errors.ts';
import { approvalsOf } from './local-approvals.ts';
import { economicsOf } from './local-economics.ts';
import { createMemoryStore, type LocalStore, type RunRecord } from './local-store.ts';
import { watchLocal } from './local-watch.ts';
import { newRunId, type RunLock, unlocked, webLocks } from './run-lock.ts';
import type { RunTransport } from './transport.ts';

export interface LocalTransportOptions {
  /** Defaults to memory; in a browser pass `createIndexedDbStore()`. */
  store?: LocalStore;
  ladder?: Ladder;
  providers?: Record<string, Provider>;
  maxConcurrency?: number;
  /** Who decides approvals here. */
  user?: string;
  /** Holds a run for one engine while it executes; defaults to Web Locks where there are any. */
  runLock?: RunLock;
  /** How nodes that start at "auto" choose their tier (core's defaults unless told). */
  tierPolicy?: TierPolicyOptions;
}

interface LocalRun {
  record: RunRecord;
  handle?: RunHandle;
  /** Committed signals as loaded from the store (a run this engine executes has them in `handle`). */
  stored: readonly Signal[];
  /** Settles once this engine executes the run it found unfinished in the store, or knows it ended. */
  resumed?: Promise<void>;
}

const isFinished = (view: RunView) =>
  view.status === 'succeeded' || view.status === 'failed' || view.status === 'cancelled';

const notFound = (what: string) => new HttpError(404, 'not_found', `no ${what}`);

const summarize = (run: LocalRun, view: RunView): RunSummary => ({
  ...run.record.summary,
  ...runTotals(view),
});

/**
 * A {@link RunTransport} that runs the core engine right here (in-process under Node, or inside the
 * Web Worker that hosts it in a browser). Approvals, cancel and errors behave as on the server, and
 * so does durability: every signal batch is committed to the store before anyone sees it, and a run
 * found unfinished in the store is resumed from its committed signals with core's recovery.
 */
export const createLocalTransport = (
  options: LocalTransportOptions = {},
): RunTransport & { kind: 'local' } => {
  const store = options.store ?? createMemoryStore();
  const runLock = options.runLock ?? webLocks ?? unlocked;
  const runs = new Map<string, LocalRun>();

  /**
   * The DAG's node history when some node starts at "auto" (its own, the run's or the DAG's default).
   * A resumed run reads it too: its signals keep the starts it committed, and a node it had not
   * queued yet is placed like in a new run.
   */
  const tierHistoryOf = async ({ dag, startTier }: RunRecord): Promise<TierHistory | undefined> =>
    usesStartTierPolicy(dag, startTier) ? ((await store.economics(dag.id))?.history ?? {}) : undefined;

  /** Folds a finished run into its DAG's economics, for the economics view and later runs' policy. */
  const observe = async (record: RunRecord, signals: readonly Signal[]) => {
    try {
      const observation = observeRun(record.dag, signals);
      if (observation) await store.observeRun(record.summary.id, record.dag.id, observation);
    } catch (err) {
      console.error(`laneflow: could not add run ${record.summary.id} to its DAG's history`, err);
    }
  };

  /** Executes a run under its lock; `history` (committed signals) resumes it where it was. */
  const launch = (run: LocalRun, history: readonly Signal[], tierHistory?: TierHistory): RunHandle => {
    const { record } = run;
    let first = history.length === 0;
    const handle = startRun(record.dag, {
      runId: record.summary.id,
      ...((record.ladder ?? options.ladder) && { ladder: record.ladder ?? options.ladder }),
      ...(record.inputs && { inputs: record.inputs }),
      ...(record.startTier !== undefined && { startTier: record.startTier }),
      ...(tierHistory && { tierHistory }),
      ...(options.tierPolicy && { tierPolicy: options.tierPolicy }),
      ...(options.providers && { providers: options.providers }),
      ...(options.maxConcurrency !== undefined && { maxConcurrency: options.maxConcurrency }),
      ...(history.length > 0 && { history }),
      log: {
        append(batch) {
          // The record goes with the first batch, so a stored run always has a signal to resume from.
          const withRecord = first ? record : undefined;
          first = false;
          return store.appendSignals(record.summary.id, batch, withRecord);
        },
      },
    });
    run.handle = handle;
    void handle.result.then(() => observe(record, handle.signals));
    return handle;
  };

  const resume = (run: LocalRun) =>
    new Promise<void>((resolve) => {
      runLock(run.record.summary.id, async () => {
        let handle: RunHandle | undefined;
        try {
          // Whoever held the run before (a closing tab's engine) may have committed more meanwhile.
          const history = await store.signals(run.record.summary.id);
          if (history.length > 0) run.stored = history;
          if (!isFinished(projectRun(run.stored)))
            handle = launch(run, run.stored, await tierHistoryOf(run.record));
        } catch (err) {
          console.error(`laneflow: could not resume run ${run.record.summary.id}`, err);
        }
        resolve();
        // The lock is held for as long as this engine executes the run.
        await handle?.result;
      });
    });

  const loaded = store.runs().then((stored) => {
    for (const { signals, observed, ...record } of stored) {
      const run: LocalRun = { record, stored: signals };
      runs.set(record.summary.id, run);
      if (!isFinished(projectRun(signals))) run.resumed = resume(run);
      // A run that ended just before its page closed, before it was added to its DAG's history.
      else if (!observed) void observe(record, signals);
    }
  });

  const getRun = async (runId: string): Promise<LocalRun> => {
    await loaded;
    const run = runs.get(runId);
    if (!run) throw notFound(`run "${runId}"`);
    return run;
  };
  const viewOf = (run: LocalRun): RunView => run.handle?.view ?? projectRun(run.stored);
  const signalsOf = (run: LocalRun): readonly Signal[] => run.handle?.signals ?? run.stored;

  const getDag = async (id: string): Promise<DagRecord> => {
    const d = (await store.dags()).find((x) => x.id === id);
    if (!d) throw notFound(`DAG "${id}"`);
    return d;
  };

  const validDag = (spec: unknown): DagSpec => {
    const r = validateDag(spec);
    if (!r.ok) throw new HttpError(400, 'invalid_dag', invalidDagMessage(r.issues), r.issues);
    return r.value;
  };

  return {
    kind: 'local',
    listDags: async () => (await store.dags()).map(({ spec, ...d }) => ({ ...d, nodes: spec.nodes.length })),
    getDag,
    async saveDag(input) {
      const spec = validDag(input);
      const prev = (await store.dags()).find((x) => x.id === spec.id);
      // As on the server: an edit of an older version must not silently replace the newer one.
      if (spec.version !== undefined && prev && prev.version !== spec.version) {
        const e = staleVersionError(spec.id, spec.version, prev.version);
        throw new HttpError(409, e.code, e.message, e.issues);
      }
      const version = (prev?.version ?? 0) + 1;
      const rec: DagRecord = {
        id: spec.id,
        version,
        ...(spec.name !== undefined && { name: spec.name }),
        updatedAt: new Date().toISOString(),
        spec: { ...spec, version },
      };
      await store.putDag(rec);
      return rec;
    },
    async deleteDag(id) {
      await getDag(id);
      await store.deleteDag(id);
    },
    async dagVersions(id) {
      const { spec, ...d } = await getDag(id);
      return [
        {
          version: d.version,
          ...(d.name !== undefined && { name: d.name }),
          updatedAt: d.updatedAt,
          nodes: spec.nodes.length,
          edges: spec.edges.length,
        },
      ];
    },
    async getDagVersion(id, version) {
      const d = await getDag(id);
      if (d.version !== version) throw notFound(`version ${version} of DAG "${id}"`);
      return d;
    },
    async startRun(input) {
      if ((input.dagId === undefined) === (input.dag === undefined))
        throw new HttpError(400, 'invalid_request', 'give exactly one of dagId or dag');
      if (input.startTier !== undefined && !StartTierSchema.safeParse(input.startTier).success)
        throw new HttpError(400, 'invalid_request', 'startTier must be "auto" or a tier name or index', [
          { path: 'startTier', code: 'invalid_type', message: 'must be "auto" or a tier name or index' },
        ]);
      const dag = input.dagId !== undefined ? (await getDag(input.dagId)).spec : validDag(input.dag);
      await loaded;
      const inputs = resolveRunInputs(dag, input.inputs);
      if (!inputs.ok)
        throw new HttpError(
          400,
          'invalid_inputs',
          `invalid inputs: ${summarizeIssues(inputs.issues)}`,
          inputs.issues,
        );
      const run: LocalRun = {
        record: {
          summary: {
            id: newRunId(),
            dagId: dag.id,
            dagName: dag.name ?? null,
            createdAt: new Date().toISOString(),
          },
          dag,
          inputs: inputs.value,
          ...(input.ladder && { ladder: input.ladder }),
          ...(input.startTier !== undefined && { startTier: input.startTier }),
        },
        stored: [],
      };
      const tierHistory = await tierHistoryOf(run.record);
      let handle: RunHandle;
      try {
        handle = launch(run, [], tierHistory);
      } catch (err) {
        throw new HttpError(400, 'invalid_run', (err as Error).message);
      }
      runs.set(run.record.summary.id, run);
      runLock(run.record.summary.id, () => handle.result);
      return { runId: handle.runId };
    },
    async listRuns(q = {}) {
      await loaded;
      // Newest first; runs started in the same millisecond keep their start order (reversed).
      const all = [...runs.values()]
        .map((r) => summarize(r, viewOf(r)))
        .reverse()
        .filter((s) => !q.status || s.status === q.status)
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      const start = q.cursor ? Number(q.cursor) : 0;
      const limit = q.limit ?? 50;
      const page = all.slice(start, start + limit);
      return { runs: page, nextCursor: start + limit < all.length ? String(start + limit) : null };
    },
    async getRun(runId): Promise<RunSnapshot> {
      const run = await getRun(runId);
      const view = viewOf(run);
      return {
        run: summarize(run, view),
        dag: run.record.dag,
        ...(run.record.inputs && { inputs: run.record.inputs }),
        lastSeq: view.lastSeq,
        counts: view.counts,
        nodes: snapshotNodes(view),
      };
    },
    async signals(runId, after = 0, limit = 1000) {
      const run = await getRun(runId);
      return signalsOf(run).slice(after, after + limit);
    },
    async cancelRun(runId, reason) {
      const run = await getRun(runId);
      const view = viewOf(run);
      if (!run.handle || isFinished(view))
        throw new HttpError(409, 'run_finished', `run ${runId} has already ended (${view.status})`);
      run.handle.cancel(reason ?? `cancelled by ${options.user ?? 'local user'}`);
    },
    watch: (runId, o) =>
      watchLocal(async () => {
        const run = await getRun(runId);
        if (run.handle) return run.handle;
        if (!run.resumed) return run.stored;
        // What is committed shows at once; the live run follows once this engine holds it (the
        // watch skips the seqs it has already delivered).
        return (async function* () {
          yield* run.stored;
          await run.resumed;
          if (run.handle) yield* run.handle;
          else yield* run.stored;
        })();
      }, o),
    async decide(runId, approvalId, d) {
      const run = await getRun(runId);
      const view = viewOf(run);
      const asked = approvalsOf(signalsOf(run)).find((a) => a.id === approvalId);
      if (!asked) throw new HttpError(404, 'not_found', `no approval "${approvalId}" in run ${runId}`);
      if (run.handle && !isFinished(view)) {
        const r = run.handle.decide(approvalId, { ...d, by: options.user ?? 'local user' });
        if (!r.ok) throw new HttpError(r.code === 'unknown_approval' ? 404 : 409, r.code, r.message);
        return { duplicate: r.duplicate };
      }
      // The run has ended (as on the server): only a repeat of the recorded decision is accepted.
      if (asked.status === d.decision) return { duplicate: true };
      // A wait that ended undecided (expired, cancelled) refuses any decision as late.
      const decided = asked.status === 'approved' || asked.status === 'rejected';
      throw new HttpError(409, decided ? 'conflict' : 'late', `approval ${approvalId} is ${asked.status}`);
    },
    async economics(dagId, limit = 200) {
      const [row, dag] = await Promise.all([
        store.economics(dagId),
        store.dags().then((all) => all.find((d) => d.id === dagId)),
      ]);
      if (!row && !dag) throw notFound(`DAG "${dagId}"`);
      return economicsOf(dagId, row, dag?.spec.ladder ?? options.ladder, limit);
    },
    async approvals(status = 'pending') {
      await loaded;
      return [...runs.values()]
        .flatMap((run) => approvalsOf(signalsOf(run)))
        .filter((a) => a.status === status)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },
  };
};
