/**
 * Several laneflow processes on one PostgreSQL (ADR 0010). Only used with `DATABASE_URL` and
 * `LANEFLOW_CLUSTER=1` (or `laneflow worker`); the embedded PGlite mode never loads this.
 *
 * - Runs are pg-boss jobs: whichever process has a free slot fetches one and executes the run from its
 *   committed signals (an empty history for a new run). A process that dies leaves its jobs active;
 *   pg-boss expires them after the lease and retries them elsewhere, where the run resumes exactly as
 *   after a crash. A session advisory lock per run, held while executing, keeps one run from executing
 *   in two processes at once (an expired job of a run still alive elsewhere waits for that lock).
 * - Every committed batch sends `pg_notify('laneflow_signals', '<runId>:<seq>')` inside its transaction;
 *   each process LISTENs and wakes its local stream watchers, which read the committed rows.
 * - Decisions and cancels for a run executing elsewhere go out on `laneflow_control`; the owner applies
 *   them and answers on `laneflow_reply`.
 */
import { randomUUID } from 'node:crypto';
import type { DecideResult, DecisionInput } from '@laneflow/core';
import { RunConfigError } from '@laneflow/core';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { ClusterHooks, RunManager } from '../runs.ts';
import type { Store } from '../store.ts';

export const SIGNALS_CHANNEL = 'laneflow_signals';
const CONTROL_CHANNEL = 'laneflow_control';
const REPLY_CHANNEL = 'laneflow_reply';
const JOBS_CHANNEL = 'laneflow_jobs';
/** A token was created or revoked in one process: every other one reloads its tokens. */
const TOKENS_CHANNEL = 'laneflow_tokens';
const QUEUE = 'laneflow-run';
const terminal = new Set(['succeeded', 'failed', 'cancelled']);

export interface ClusterOptions {
  databaseUrl: string;
  /** Runs this process executes at once. */
  concurrency: number;
  /** A job not finished within this many seconds is handed to another process (its owner died). */
  leaseSeconds: number;
  /** How long a forwarded decision or cancel waits for the executing process. */
  controlTimeoutMs?: number;
  log?: (line: string) => void;
}

type Control =
  | { id: string; op: 'decide'; runId: string; approvalId: string; input: DecisionInput }
  | { id: string; op: 'cancel'; runId: string; reason?: string };

/** Takes the migrations lock (so processes starting together do not migrate at once). */
export const lockMigrations = async (databaseUrl: string) => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('select pg_advisory_lock(7100100)');
  return async () => {
    await client.query('select pg_advisory_unlock(7100100)').catch(() => {});
    await client.end().catch(() => {});
  };
};

export const createCluster = async (o: ClusterOptions) => {
  const log = o.log ?? (() => {});
  const controlTimeoutMs = o.controlTimeoutMs ?? 10_000;
  const boss = new PgBoss({
    connectionString: o.databaseUrl,
    max: 4,
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: Math.max(1, Math.min(5, Math.floor(o.leaseSeconds / 4))),
  });
  boss.on('error', (err) => log(`pg-boss: ${err.message}`));
  await boss.start();
  const queueOptions = { retryLimit: 1000, retryDelay: 1, expireInSeconds: o.leaseSeconds };
  try {
    if (await boss.getQueue(QUEUE)) await boss.updateQueue(QUEUE, { name: QUEUE, ...queueOptions });
    else await boss.createQueue(QUEUE, { name: QUEUE, ...queueOptions });
  } catch {
    // Another process created it at the same moment.
  }

  // One connection to listen and one to hold this process's run locks (a dead process drops both).
  const listener = new pg.Client({ connectionString: o.databaseUrl });
  const locks = new pg.Client({ connectionString: o.databaseUrl });
  await Promise.all([listener.connect(), locks.connect()]);
  const notifier = new pg.Pool({ connectionString: o.databaseUrl, max: 2 });
  const notify = (channel: string, payload: string) =>
    notifier.query('select pg_notify($1, $2)', [channel, payload]).then(() => undefined);

  let tokensChanged: (() => Promise<void>) | undefined;
  const replies = new Map<string, (result: unknown) => void>();
  const ask = async (msg: Control): Promise<unknown> => {
    const answer = new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => {
        replies.delete(msg.id);
        resolve(undefined);
      }, controlTimeoutMs);
      replies.set(msg.id, (r) => {
        clearTimeout(timer);
        replies.delete(msg.id);
        resolve(r);
      });
    });
    await notify(CONTROL_CHANNEL, JSON.stringify(msg));
    return answer;
  };

  const hooks: ClusterHooks = {
    async dispatch(runId) {
      await boss.send(QUEUE, { runId }, queueOptions);
      await notify(JOBS_CHANNEL, runId);
    },
    async decide(runId, approvalId, input) {
      return (await ask({ id: randomUUID(), op: 'decide', runId, approvalId, input })) as
        | DecideResult
        | undefined;
    },
    async cancel(runId, reason) {
      return (await ask({ id: randomUUID(), op: 'cancel', runId, ...(reason && { reason }) })) === true;
    },
  };

  let runs: RunManager | undefined;
  let store: Store | undefined;
  let stopped = false;
  let running = 0;
  const jobs = new Map<string, string>(); // job id -> run id, for jobs this process holds

  const onControl = async (msg: Control) => {
    if (!runs?.live(msg.runId)) return;
    const result =
      msg.op === 'decide'
        ? await runs.decideHere(msg.runId, msg.approvalId, msg.input)
        : await runs.cancelHere(msg.runId, msg.reason);
    if (result !== undefined) await notify(REPLY_CHANNEL, JSON.stringify({ id: msg.id, result }));
  };

  listener.on('notification', (n) => {
    const payload = n.payload ?? '';
    try {
      if (n.channel === SIGNALS_CHANNEL) {
        const at = payload.lastIndexOf(':');
        runs?.committed(payload.slice(0, at), Number(payload.slice(at + 1)));
      } else if (n.channel === JOBS_CHANNEL) kick();
      else if (n.channel === TOKENS_CHANNEL)
        void tokensChanged?.().catch((e) => log(`tokens: ${(e as Error).message}`));
      else if (n.channel === REPLY_CHANNEL) {
        const r = JSON.parse(payload) as { id: string; result: unknown };
        replies.get(r.id)?.(r.result);
      } else if (n.channel === CONTROL_CHANNEL)
        void onControl(JSON.parse(payload) as Control).catch((e) => log(`control: ${e}`));
    } catch (err) {
      log(`bad notification on ${n.channel}: ${err}`);
    }
  });
  for (const ch of [SIGNALS_CHANNEL, CONTROL_CHANNEL, REPLY_CHANNEL, JOBS_CHANNEL, TOKENS_CHANNEL])
    await listener.query(`listen ${ch}`);
  listener.on('error', (err) => log(`listener: ${err.message}`));
  locks.on('error', (err) => log(`lock connection: ${err.message}`));

  const tryLock = async (runId: string) =>
    (
      await locks.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [
        runId,
      ])
    ).rows[0]?.ok === true;
  const unlock = (runId: string) =>
    locks.query('select pg_advisory_unlock(hashtextextended($1, 0))', [runId]).catch(() => {});
  const statusOf = async (runId: string) => (await store?.runSummary(runId))?.status;

  const execute = async (job: { id: string; data: { runId: string } }) => {
    const { runId } = job.data;
    // Held by another process: its job expired while it still runs. Wait for it to end or die.
    while (!(await tryLock(runId))) {
      const s = await statusOf(runId);
      if (s === undefined || terminal.has(s) || stopped) {
        if (!stopped) await boss.complete(QUEUE, job.id);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    try {
      const s = await statusOf(runId);
      if (s === undefined || terminal.has(s)) {
        await boss.complete(QUEUE, job.id);
        return;
      }
      log(`executing run ${runId}`);
      const handle = await (runs as RunManager).resume(runId);
      await handle?.result;
      if (!stopped) await boss.complete(QUEUE, job.id);
    } catch (err) {
      if (err instanceof RunConfigError) {
        // Nothing was stored for it: record the failure on the run's row and drop the job.
        await store?.db.query(`update runs set status = 'failed', ended_at = now() where id = $1`, [runId]);
        await boss.complete(QUEUE, job.id, { error: err.message });
      } else if (!stopped) await boss.fail(QUEUE, job.id, { error: String(err) });
    } finally {
      await unlock(runId);
    }
  };

  let polling = false;
  let again = false;
  const kick = () => {
    if (stopped || !runs) return;
    if (polling) {
      again = true;
      return;
    }
    polling = true;
    void (async () => {
      try {
        do {
          again = false;
          const free = o.concurrency - running;
          if (free <= 0) break;
          const batch = (await boss.fetch<{ runId: string }>(QUEUE, { batchSize: free })) ?? [];
          for (const job of batch) {
            running++;
            jobs.set(job.id, job.data.runId);
            void execute(job)
              .catch((e) => log(`run ${job.data.runId}: ${e}`))
              .finally(() => {
                running--;
                jobs.delete(job.id);
                kick();
              });
          }
          if (batch.length === free) again = true;
        } while (again && !stopped);
      } catch (err) {
        log(`fetch: ${err}`);
      } finally {
        polling = false;
      }
    })();
  };
  const poller = setInterval(kick, 500);

  return {
    hooks,
    /** Starts taking runs from the queue. */
    attach(r: RunManager, s: Store) {
      runs = r;
      store = s;
      kick();
    },
    /** Tells every process (this one too) that the stored tokens changed; each calls `onTokens`. */
    announceTokens: () => notify(TOKENS_CHANNEL, ''),
    /** What to do when some process changed the stored tokens (reload them). */
    onTokens(fn: () => Promise<void>) {
      tokensChanged = fn;
    },
    /** Runs queued for a process to pick up. */
    queueDepth: (): Promise<number> => boss.getQueueSize(QUEUE),
    /** How many runs this process is executing. */
    get running() {
      return running;
    },
    /**
     * Stops taking runs and hands the ones executing here back to the queue (call after the store
     * is closed, so nothing more is committed from here).
     */
    async close() {
      stopped = true;
      clearInterval(poller);
      await locks.end().catch(() => {});
      const held = [...jobs.keys()];
      if (held.length > 0) await boss.fail(QUEUE, held).catch(() => {});
      await listener.end().catch(() => {});
      await notifier.end().catch(() => {});
      await boss.stop({ graceful: false, wait: true }).catch(() => {});
    },
  };
};

export type Cluster = Awaited<ReturnType<typeof createCluster>>;
