import {
  type ApprovalRecord,
  approvalBatch,
  type DagSpec,
  IdParamSchema,
  type Json,
  type Ladder,
  type RunSummary,
  type Signal,
  type StartTier,
  totalsDelta,
} from '@laneflow/core';
import { createDagStore } from './dag-store.ts';
import type { Db, Sql } from './db.ts';
import { readRunCosts, readTierHistory, recordRunEconomics } from './economics-store.ts';
import { iso, isoOrNull } from './row-time.ts';
import { createTokenStore } from './token-store.ts';

type Row = Record<string, unknown>;

/** The runs columns a RunSummary needs: not the DAG, inputs or ladder, which can be megabytes. */
const SUMMARY_COLUMNS =
  'id, dag_id, dag_name, status, created_at, ended_at, last_seq, cost_usd, escalations, nodes';

const toRunSummary = (r: Row): RunSummary => ({
  id: r.id as string,
  dagId: (r.dag_id as string | null) ?? null,
  dagName: (r.dag_name as string | null) ?? null,
  status: r.status as RunSummary['status'],
  createdAt: iso(r.created_at),
  endedAt: isoOrNull(r.ended_at),
  lastSeq: Number(r.last_seq),
  costUsd: Number(r.cost_usd),
  escalations: Number(r.escalations),
  nodes: Number(r.nodes),
});

const toApproval = (r: Row): ApprovalRecord => ({
  id: r.id as string,
  runId: r.run_id as string,
  nodeId: r.node_id as string,
  attempt: Number(r.attempt),
  prompt: r.prompt as string,
  payload: (r.payload as Json | null) ?? null,
  status: r.status as ApprovalRecord['status'],
  createdAt: iso(r.created_at),
  expiresAt: isoOrNull(r.expires_at),
  decidedBy: (r.decided_by as string | null) ?? null,
  decidedAt: isoOrNull(r.decided_at),
  comment: (r.comment as string | null) ?? null,
});

export interface StoredRun {
  summary: RunSummary;
  dag: DagSpec;
  inputs: Record<string, Json> | null;
  ladder: Ladder | null;
  /** The run's default start tier (`POST /api/runs` `startTier`). */
  startTier: StartTier | null;
}

/** A `cursor` of `GET /api/runs` that this server did not hand out. */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`cursor "${cursor.slice(0, 64)}" is not one this server gave out`);
  }
}

const CURSOR_AT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * `[createdAt, id]` from a run-list cursor, or undefined when it is not one this server could have
 * made: a real date in PostgreSQL's range to the microsecond, and an id the store can hold. Checked
 * here because both go into SQL, where anything else is an error, not an empty page.
 */
const decodeRunCursor = (cursor: string): [string, string] | undefined => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [at, id] = v as unknown[];
    if (typeof at !== 'string' || !IdParamSchema.safeParse(id).success) return undefined;
    const m = CURSOR_AT.exec(at);
    const year = Number(m?.[1]);
    // A round trip through Date refuses 2026-02-31 and 25:00.
    const ms = `${at.slice(0, 23)}Z`;
    if (!m || year < 1970 || new Date(Date.parse(ms)).toISOString() !== ms) return undefined;
    return [at, id as string];
  } catch {
    return undefined;
  }
};

/** Signals per insert statement: 5 parameters each, under PostgreSQL's 65,535. */
const INSERT_CHUNK = 5000;

/** Everything the server keeps, over one {@link Db}. */
export const createStore = (
  db: Db,
  opts: {
    notifyChannel?: string;
    /** Half-life of the node history, in runs of the node (`LANEFLOW_POLICY_HALF_LIFE_RUNS`). */
    halfLifeRuns?: number;
  } = {},
) => {
  /**
   * Commits one batch of a run's signals in a single transaction, with the rows derived from them
   * (approvals, run status, cost). Nobody is told about a signal before this resolves.
   */
  const appendSignals = (runId: string, batch: readonly Signal[]) =>
    db.transaction(async (tx) => {
      // PostgreSQL takes at most 65,535 parameters per statement: a large batch is several inserts
      // (still one transaction).
      for (let from = 0; from < batch.length; from += INSERT_CHUNK) {
        const values: unknown[] = [];
        const rows = batch.slice(from, from + INSERT_CHUNK).map((s, i) => {
          values.push(runId, s.seq, s.type, s.at, JSON.stringify(s));
          const b = i * 5;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb)`;
        });
        await tx.query(`insert into signals (run_id, seq, type, at, body) values ${rows.join(', ')}`, values);
      }
      await recordApprovals(tx, runId, batch);
      await recordRunEconomics(tx, runId, batch, opts.halfLifeRuns);
      const t = totalsDelta(batch);
      await tx.query(
        `update runs set last_seq = $2, cost_usd = cost_usd + $3, escalations = escalations + $4,
           nodes = nodes + $5, status = coalesce($6, status), ended_at = coalesce($7::timestamptz, ended_at)
         where id = $1`,
        [runId, t.lastSeq, t.costUsd, t.escalations, t.nodes, t.status ?? null, t.endedAt ?? null],
      );
      // Cluster mode: a wake-up for watchers in other processes, delivered only if this commits.
      if (opts.notifyChannel)
        await tx.query('select pg_notify($1, $2)', [opts.notifyChannel, `${runId}:${t.lastSeq}`]);
    });

  /** Keeps the approvals table as core's approval records say a committed batch leaves them. */
  const recordApprovals = async (tx: Sql, runId: string, batch: readonly Signal[]) => {
    const { asked, decideEarlier, closeEarlier, runClosed } = approvalBatch(batch);
    if (runClosed || closeEarlier.size > 0) {
      const expired = [...closeEarlier].flatMap(([node, status]) => (status === 'expired' ? [node] : []));
      await tx.query(
        `update approvals set status = case when node_id = any($2::text[]) then 'expired' else 'cancelled' end
         where run_id = $1 and status = 'pending' and ($4 or node_id = any($3::text[]))`,
        [runId, expired, [...closeEarlier.keys()], runClosed],
      );
    }
    for (const d of decideEarlier)
      await tx.query(
        'update approvals set status = $2, decided_by = $3, decided_at = $4, comment = $5 where id = $1',
        [d.approvalId, d.status, d.decidedBy, d.decidedAt, d.comment],
      );
    for (const r of asked)
      await tx.query(
        `insert into approvals (id, run_id, node_id, attempt, prompt, payload, status, created_at, expires_at,
           decided_by, decided_at, comment)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12) on conflict (id) do nothing`,
        [
          r.id,
          r.runId,
          r.nodeId,
          r.attempt,
          r.prompt,
          JSON.stringify(r.payload),
          r.status,
          r.createdAt,
          r.expiresAt,
          r.decidedBy,
          r.decidedAt,
          r.comment,
        ],
      );
  };

  const signals = async (runId: string, after: number, limit: number): Promise<Signal[]> => {
    const rows = await db.query<{ body: Signal }>(
      'select body from signals where run_id = $1 and seq > $2 order by seq limit $3',
      [runId, after, limit],
    );
    return rows.map((r) => r.body);
  };

  return {
    db,
    appendSignals,

    /** A DAG's node history, for the start-tier policy of its next run. */
    tierHistory: (dagId: string) => readTierHistory(db, dagId),

    /** The costs of a DAG's latest finished runs, oldest first. */
    runCosts: (dagId: string, limit: number) => readRunCosts(db, dagId, limit),

    async createRun(r: {
      id: string;
      dag: DagSpec;
      dagVersion: number | null;
      inputs?: Record<string, Json>;
      ladder?: Ladder;
      startTier?: StartTier;
      createdBy: string;
    }): Promise<void> {
      await db.query(
        `insert into runs (id, dag_id, dag_version, dag_name, dag, inputs, ladder, status, created_by, start_tier)
         values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, 'pending', $8, $9::jsonb)`,
        [
          r.id,
          r.dag.id,
          r.dagVersion,
          r.dag.name ?? null,
          JSON.stringify(r.dag),
          r.inputs ? JSON.stringify(r.inputs) : null,
          r.ladder ? JSON.stringify(r.ladder) : null,
          r.createdBy,
          r.startTier === undefined ? null : JSON.stringify(r.startTier),
        ],
      );
    },

    async getRun(id: string): Promise<StoredRun | undefined> {
      const [r] = await db.query('select * from runs where id = $1', [id]);
      if (!r) return undefined;
      return {
        summary: toRunSummary(r),
        dag: r.dag as DagSpec,
        inputs: (r.inputs as Record<string, Json> | null) ?? null,
        ladder: (r.ladder as Ladder | null) ?? null,
        startTier: (r.start_tier as StartTier | null) ?? null,
      };
    },

    /** A run's summary (status, last seq, cost…) without loading its DAG. */
    async runSummary(id: string): Promise<RunSummary | undefined> {
      const [r] = await db.query(`select ${SUMMARY_COLUMNS} from runs where id = $1`, [id]);
      return r ? toRunSummary(r) : undefined;
    },

    /** Runs newest first, keyset-paginated on (created_at, id). */
    async listRuns(q: { status?: string; limit: number; cursor?: string }) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (q.status) {
        params.push(q.status);
        where.push(`status = $${params.length}`);
      }
      if (q.cursor) {
        const cursor = decodeRunCursor(q.cursor);
        if (!cursor) throw new InvalidCursorError(q.cursor);
        const [at, id] = cursor;
        params.push(at, id);
        where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
      }
      params.push(q.limit + 1);
      // The cursor keeps created_at to the microsecond: cut to milliseconds (as createdAt is), it
      // would skip every run created later in the same millisecond.
      const rows = await db.query(
        `select ${SUMMARY_COLUMNS}, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
         from runs ${where.length ? `where ${where.join(' and ')}` : ''}
         order by created_at desc, id desc limit $${params.length}`,
        params,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > q.limit && last
          ? Buffer.from(JSON.stringify([last.cursor_at, last.id])).toString('base64url')
          : null;
      return { runs: page.map(toRunSummary), nextCursor };
    },

    /** Ids of runs that had not ended when the server stopped. */
    async unfinishedRuns(): Promise<string[]> {
      const rows = await db.query<{ id: string }>(
        `select id from runs where status in ('pending', 'running') order by created_at`,
      );
      return rows.map((r) => r.id);
    },

    signals,

    /** Every committed signal of a run, read in pages so no single query holds a huge result. */
    async allSignals(runId: string): Promise<Signal[]> {
      const all: Signal[] = [];
      for (
        let batch = await signals(runId, 0, 5000);
        batch.length > 0;
        batch = await signals(runId, all.length, 5000)
      )
        all.push(...batch);
      return all;
    },

    async getApproval(id: string): Promise<ApprovalRecord | undefined> {
      const [r] = await db.query('select * from approvals where id = $1', [id]);
      return r ? toApproval(r) : undefined;
    },

    async listApprovals(status: string, limit: number): Promise<ApprovalRecord[]> {
      const rows = await db.query('select * from approvals where status = $1 order by created_at limit $2', [
        status,
        limit,
      ]);
      return rows.map(toApproval);
    },

    ...createDagStore(db),
    ...createTokenStore(db),
  };
};

export type Store = ReturnType<typeof createStore>;
