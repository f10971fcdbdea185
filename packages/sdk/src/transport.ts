import type {
  ApprovalRecord,
  DagEconomics,
  DagRecord,
  DagSpecInput,
  DagSummary,
  DagVersionSummary,
  DecisionBody,
  Json,
  Ladder,
  RunSnapshot,
  RunSummary,
  Signal,
  StartTier,
} from '@laneflow/core';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A live, resumable stream of one run's signals, in seq order, with no gap or duplicate. */
export interface RunWatch extends AsyncIterable<Signal> {
  readonly state: ConnectionState;
  /** `Date.now()` of the last byte received (signal or heartbeat); for a stream-health badge. */
  readonly lastEventAt: number | undefined;
  /** Seq of the last signal delivered. */
  readonly lastSeq: number;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

export interface WatchOptions {
  /** Deliver signals after this seq (0 = from the start). */
  after?: number;
  signal?: AbortSignal;
}

export interface StartRunInput {
  dagId?: string;
  /** An inline DAG, validated like a saved one (not saved). */
  dag?: DagSpecInput;
  inputs?: Record<string, Json>;
  ladder?: Ladder;
  /** Where nodes that set no `startTier` start, over the DAG's: a tier, or `"auto"` (learned). */
  startTier?: StartTier;
}

export interface RunListQuery {
  status?: RunSummary['status'];
  limit?: number;
  cursor?: string;
}

/**
 * One interface for running DAGs, whether on a laneflow server (remote) or in this browser / process
 * (local). Apps — the dashboard first — do not care which.
 */
export interface RunTransport {
  readonly kind: 'remote' | 'local';
  listDags(): Promise<DagSummary[]>;
  getDag(id: string): Promise<DagRecord>;
  /** Creates or updates (a new version); validated, so an invalid DAG is an HttpError 400 `invalid_dag`. */
  saveDag(spec: DagSpecInput): Promise<DagRecord>;
  deleteDag(id: string): Promise<void>;
  /** A DAG's saved versions, newest first; a browser's store keeps only the latest. */
  dagVersions(id: string): Promise<DagVersionSummary[]>;
  /** One saved version of a DAG; restoring it is saving its spec again. */
  getDagVersion(id: string, version: number): Promise<DagRecord>;
  startRun(input: StartRunInput): Promise<{ runId: string }>;
  listRuns(query?: RunListQuery): Promise<{ runs: RunSummary[]; nextCursor: string | null }>;
  getRun(runId: string): Promise<RunSnapshot>;
  signals(runId: string, after?: number, limit?: number): Promise<Signal[]>;
  cancelRun(runId: string, reason?: string): Promise<void>;
  watch(runId: string, options?: WatchOptions): RunWatch;
  decide(runId: string, approvalId: string, decision: DecisionBody): Promise<{ duplicate: boolean }>;
  approvals(status?: ApprovalRecord['status']): Promise<ApprovalRecord[]>;
  /**
   * A DAG's economics: its node history (what the start-tier policy reads) and its latest `runs`
   * finished runs' costs (default 200), oldest first. The server keeps them in its database, a
   * browser in IndexedDB; HttpError 404 for a DAG with neither a document nor a run.
   */
  economics(dagId: string, runs?: number): Promise<DagEconomics>;
}
