import { randomUUID } from 'node:crypto';
import {
  type DagSpec,
  type DecideResult,
  type DecisionInput,
  type Json,
  type Ladder,
  type Provider,
  projectRun,
  type RunHandle,
  type RunView,
  type Signal,
  type StartTier,
  startRun,
  type TierHistory,
  type TierPolicyOptions,
  usesStartTierPolicy,
} from '@laneflow/core';
import { cancelCommitted, decideCommitted } from './committed-commands.ts';
import { type Logger, silentLogger } from './observe/log.ts';
import { createRunWakers } from './run-wakers.ts';
import type { Store } from './store.ts';

export interface RunManagerOptions {
  store: Store;
  ladder: Ladder;
  providers?: Record<string, Provider>;
  maxConcurrency?: number;
  /** See `SignalLog.lingerMs`: set for PGlite, whose commits do not group on their own. */
  commitLingerMs?: number;
  /**
   * Several processes on one PostgreSQL (see cluster/): new runs are queued for whichever process
   * picks them up, and decisions and cancels for a run executing elsewhere are forwarded to it.
   */
  cluster?: ClusterHooks;
  log?: Logger;
  /** How the start-tier policy decides for this server's runs (`LANEFLOW_POLICY_*`). */
  tierPolicy?: TierPolicyOptions;
}

export interface ClusterHooks {
  dispatch(runId: string): Promise<void>;
  decide(runId: string, approvalId: string, input: DecisionInput): Promise<DecideResult | undefined>;
  cancel(runId: string, reason?: string): Promise<boolean>;
}

const terminal = new Set(['succeeded', 'failed', 'cancelled']);
/** How often a run whose commit failed is tried again from its committed signals. */
const RETRY_AFTER_LOG_FAILURE_MS = 2000;

/**
 * Owns the runs executing in this process: starts them with a log that commits each batch to the
 * store before anyone sees it, rebuilds unfinished runs after a restart, and wakes stream watchers.
 */
export const createRunManager = ({
  store,
  ladder,
  providers,
  maxConcurrency,
  commitLingerMs,
  cluster,
  log = silentLogger,
  tierPolicy,
}: RunManagerOptions) => {
  const live = new Map<string, RunHandle>();
  const wakers = createRunWakers();
  const { wake } = wakers;
  /** Runs to rebuild from the store once it commits again, and the timer that will try. */
  const retrying = new Map<string, ReturnType<typeof setTimeout>>();
  let stopped = false;

  const launch = (
    runId: string,
    dag: DagSpec,
    opts: {
      inputs?: Record<string, Json> | null;
      ladder?: Ladder | null;
      startTier?: StartTier | null;
      history?: Signal[];
      stored?: Promise<void>;
      tierHistory?: TierHistory;
    },
  ) => {
    const { stored } = opts;
    let logFailed = false;
    const handle = startRun(dag, {
      runId,
      ladder: opts.ladder ?? dag.ladder ?? ladder,
      ...(opts.inputs && { inputs: opts.inputs }),
      ...(opts.history && { history: opts.history }),
      ...(opts.startTier != null && { startTier: opts.startTier }),
      ...(opts.tierHistory && { tierHistory: opts.tierHistory }),
      ...(tierPolicy && { tierPolicy }),
      ...(providers && { providers }),
      ...(maxConcurrency !== undefined && { maxConcurrency }),
      log: {
        append: async (batch) => {
          try {
            if (stored) await stored;
            await store.appendSignals(runId, batch);
          } catch (err) {
            logFailed = true;
            throw err;
          }
        },
        ...(commitLingerMs && { lingerMs: commitLingerMs }),
      },
    });
    live.set(runId, handle);
    handle.subscribe(() => wake(runId));
    void handle.result.then(() => {
      live.delete(runId);
      wake(runId);
      // The run stopped on a failed commit: the store still holds it unfinished, exactly as after a
      // crash, so it continues from its committed signals once the store commits again.
      if (logFailed) retryLater(runId);
    });
    return handle;
  };

  const retryLater = (runId: string) => {
    if (stopped || retrying.has(runId)) return;
    const timer = setTimeout(() => {
      retrying.delete(runId);
      resume(runId).catch((err) => {
        log.warn({ runId, err: (err as Error).message }, 'run cannot resume yet');
        retryLater(runId);
      });
    }, RETRY_AFTER_LOG_FAILURE_MS);
    timer.unref?.();
    retrying.set(runId, timer);
  };

  return {
    async start(
      dag: DagSpec,
      o: {
        dagVersion: number | null;
        inputs?: Record<string, Json>;
        ladder?: Ladder;
        startTier?: StartTier;
        by: string;
      },
    ) {
      const runId = randomUUID();
      const options = {
        ...(o.inputs && { inputs: o.inputs }),
        ...(o.ladder && { ladder: o.ladder }),
        ...(o.startTier !== undefined && { startTier: o.startTier }),
      };
      const row = { id: runId, dag, dagVersion: o.dagVersion, ...options, createdBy: o.by };
      if (cluster) {
        // Queued for whichever process picks it up (maybe this one); it starts from an empty history.
        await store.createRun(row);
        await cluster.dispatch(runId);
        return runId;
      }
      // startRun throws RunConfigError synchronously, before anything is stored; its first batch
      // waits for the run's row.
      let created!: () => void;
      let failed!: (err: unknown) => void;
      const stored = new Promise<void>((resolve, reject) => {
        created = resolve;
        failed = reject;
      });
      // When the row cannot be stored the run ends on its first commit; this request reports why.
      stored.catch(() => {});
      launch(runId, dag, { ...options, stored, ...(await tierHistoryOf(dag, o.startTier)) });
      await store.createRun(row).then(created, (err) => {
        failed(err);
        throw err;
      });
      return runId;
    },

    /** Resumes every run that had not ended, from its committed signals (crash recovery). */
    async recover(): Promise<string[]> {
      const ids = await store.unfinishedRuns();
      for (const id of ids)
        try {
          await resume(id);
        } catch (err) {
          // One run that cannot be rebuilt (say, its ladder names a provider this server lost) must
          // not keep the server from starting; it stays unfinished in the store.
          log.error({ runId: id, err: (err as Error).message }, 'run not resumed');
        }
      return ids;
    },

    resume,

    /** Another process committed `runId`'s signals up to `seq` (cluster mode): wakes watchers here. */
    committed: wakers.committedElsewhere,

    live: (runId: string) => live.get(runId),

    /** How many runs execute here now. */
    liveCount: () => live.size,

    /** Committed signals after `after`: from memory for a live run, else from the store. */
    async signalsAfter(runId: string, after: number, limit: number): Promise<Signal[]> {
      const handle = live.get(runId);
      if (handle && handle.signals.length >= after && (handle.signals[0]?.seq ?? 1) === 1)
        return handle.signals.slice(after, after + limit) as Signal[];
      return store.signals(runId, after, limit);
    },

    /** Resolves when the run has signals past `after`, or after `ms`. */
    waitForSignal(runId: string, after: number, ms: number): Promise<void> {
      const handle = live.get(runId);
      if (handle && handle.signals.length > after) return Promise.resolve();
      return wakers.wait(runId, after, ms);
    },

    /** True once the run has ended and `after` covers its last signal. */
    async drained(runId: string, after: number): Promise<boolean> {
      if (live.has(runId)) return false;
      const run = await store.runSummary(runId);
      return !run || (terminal.has(run.status) && after >= run.lastSeq);
    },

    async view(runId: string): Promise<RunView | undefined> {
      const handle = live.get(runId);
      if (handle) return handle.view;
      return projectRun(await store.allSignals(runId));
    },

    /**
     * Decides a pending approval of a live run (undefined when the run is not executing here). A new
     * decision resolves once its `approval.decided` is committed, so the caller's OK is durable and a
     * read after it (the inbox, the run's signals) already shows the decision.
     */
    async decide(runId: string, approvalId: string, input: DecisionInput): Promise<DecideResult | undefined> {
      if (!live.has(runId) && cluster) return cluster.decide(runId, approvalId, input);
      return decideHere(runId, approvalId, input);
    },

    decideHere,

    /**
     * Cancels a run executing here, or (cluster mode) wherever it executes. Resolves once the run's
     * end is committed; throws `NotCommittedError` when the store failed to commit it.
     */
    async cancel(runId: string, reason?: string): Promise<boolean> {
      if (!live.has(runId) && cluster) return cluster.cancel(runId, reason);
      return cancelHere(runId, reason);
    },

    cancelHere,

    /** Waits for every live run to commit what it has emitted (for a clean shutdown). */
    async idle(): Promise<void> {
      await Promise.all([...live.values()].map((h) => h.result));
    },

    /** Stops trying runs again after a failed commit (the store is closing). */
    stop() {
      stopped = true;
      for (const t of retrying.values()) clearTimeout(t);
      retrying.clear();
    },
  };

  /** Rebuilds a run from its committed signals and executes it here (no-op when it already is). */
  async function resume(id: string): Promise<RunHandle | undefined> {
    const running = live.get(id);
    if (running) return running;
    const run = await store.getRun(id);
    if (!run) return undefined;
    const history = await store.allSignals(id);
    return launch(id, run.dag, {
      inputs: run.inputs,
      ladder: run.ladder,
      startTier: run.startTier,
      history,
      ...(await tierHistoryOf(run.dag, run.startTier)),
    });
  }

  /**
   * The DAG's node history when some node starts at "auto" (its own, the run's or the DAG's default).
   * A resumed run reads it too: its log keeps the starts it committed, and a node it had not queued
   * yet is placed like in a new run.
   */
  async function tierHistoryOf(
    dag: DagSpec,
    startTier: StartTier | null | undefined,
  ): Promise<{ tierHistory?: TierHistory }> {
    return usesStartTierPolicy(dag, startTier ?? undefined)
      ? { tierHistory: await store.tierHistory(dag.id) }
      : {};
  }

  async function decideHere(
    runId: string,
    approvalId: string,
    input: DecisionInput,
  ): Promise<DecideResult | undefined> {
    const handle = live.get(runId);
    return handle && decideCommitted(handle, approvalId, input);
  }

  async function cancelHere(runId: string, reason?: string): Promise<boolean> {
    const handle = live.get(runId);
    if (!handle) return false;
    await cancelCommitted(handle, runId, reason);
    return true;
  }
};

export type RunManager = ReturnType<typeof createRunManager>;
