import type { DagRecord, DagSpec, Json, Ladder, RunObservation, Signal, StartTier } from '@laneflow/core';
import { addRun, type EconomicsRow } from './local-economics.ts';

/** What a local run is started with: enough to resume it from its signals after a reload. */
export interface RunRecord {
  summary: { id: string; dagId: string | null; dagName: string | null; createdAt: string };
  dag: DagSpec;
  inputs?: Record<string, Json>;
  ladder?: Ladder;
  startTier?: StartTier;
}

/** A local run as kept across reloads: its record and every committed signal, in seq order. */
export interface StoredRun extends RunRecord {
  signals: Signal[];
  /** Set once the finished run is folded into its DAG's economics. */
  observed?: boolean;
}

/** Where the local transport keeps DAGs and runs. */
export interface LocalStore {
  dags(): Promise<DagRecord[]>;
  putDag(dag: DagRecord): Promise<void>;
  deleteDag(id: string): Promise<void>;
  runs(): Promise<StoredRun[]>;
  /** The committed signals of one run (another tab's engine may have added some since `runs()`). */
  signals(runId: string): Promise<Signal[]>;
  /**
   * Commits a batch of a run's signals, with the run's record the first time, in one transaction:
   * the promise resolves only once they are durable, and nobody is shown a signal before that.
   */
  appendSignals(runId: string, batch: readonly Signal[], record?: RunRecord): Promise<void>;
  /** A DAG's node history and latest runs' costs (undefined before its first observed run). */
  economics(dagId: string): Promise<EconomicsRow | undefined>;
  /**
   * Folds a finished run into its DAG's economics and marks the run observed, in one transaction; a
   * run already observed (another engine got there first) is left as it is.
   */
  observeRun(runId: string, dagId: string, observation: RunObservation): Promise<void>;
}

/** Keeps everything in memory (Node, tests); shared by transports it is given to, like a database. */
export const createMemoryStore = (): LocalStore => {
  const dags = new Map<string, DagRecord>();
  const runs = new Map<string, StoredRun>();
  const economics = new Map<string, EconomicsRow>();
  return {
    dags: async () => [...dags.values()],
    putDag: async (d) => void dags.set(d.id, d),
    deleteDag: async (id) => void dags.delete(id),
    runs: async () => [...runs.values()].map((r) => ({ ...r, signals: [...r.signals] })),
    signals: async (runId) => [...(runs.get(runId)?.signals ?? [])],
    async appendSignals(runId, batch, record) {
      const run = runs.get(runId) ?? (record && { ...record, signals: [] });
      if (!run) throw new Error(`no run record for ${runId}`);
      run.signals.push(...batch);
      runs.set(runId, run);
    },
    economics: async (dagId) => economics.get(dagId),
    async observeRun(runId, dagId, observation) {
      const run = runs.get(runId);
      if (!run || run.observed) return;
      run.observed = true;
      economics.set(dagId, addRun(economics.get(dagId), dagId, observation));
    },
  };
};

const promisify = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/** Resolves once the transaction has committed, not merely when its requests succeeded. */
const committed = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

/** A stored signal row: keyed by run and seq, so a run's signals are one key range in seq order. */
type SignalRow = { runId: string; seq: number; signal: Signal };
/** Runs stored before signals had their own store kept theirs inline; they are read as they are. */
type RunRow = RunRecord & { signals?: Signal[]; observed?: boolean };

const runRange = (runId: string) => IDBKeyRange.bound([runId, 0], [runId, Number.MAX_SAFE_INTEGER]);

/** Keeps DAGs, runs and every committed signal in IndexedDB, so a reload resumes (browser, worker). */
export const createIndexedDbStore = (name = 'laneflow'): LocalStore => {
  const open = new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, 3);
    req.onupgradeneeded = (e) => {
      const db = req.result;
      if (e.oldVersion < 1) {
        db.createObjectStore('dags', { keyPath: 'id' });
        db.createObjectStore('runs', { keyPath: 'summary.id' });
      }
      if (e.oldVersion < 2) db.createObjectStore('signals', { keyPath: ['runId', 'seq'] });
      if (e.oldVersion < 3) db.createObjectStore('economics', { keyPath: 'dagId' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const read = async <T>(store: 'dags' | 'runs' | 'signals', query?: IDBKeyRange) =>
    promisify(
      (await open).transaction(store, 'readonly').objectStore(store).getAll(query) as IDBRequest<T[]>,
    );
  const write = async (stores: string[], op: (tx: IDBTransaction) => void) => {
    const tx = (await open).transaction(stores, 'readwrite');
    op(tx);
    await committed(tx);
  };
  const rowsOf = (rows: SignalRow[]) => rows.map((r) => r.signal);
  return {
    dags: () => read<DagRecord>('dags'),
    putDag: (d) => write(['dags'], (tx) => tx.objectStore('dags').put(d)),
    deleteDag: (id) => write(['dags'], (tx) => tx.objectStore('dags').delete(id)),
    async runs() {
      const [runs, rows] = await Promise.all([read<RunRow>('runs'), read<SignalRow>('signals')]);
      const byRun = new Map<string, Signal[]>();
      for (const row of rows) {
        const list = byRun.get(row.runId);
        if (list) list.push(row.signal);
        else byRun.set(row.runId, [row.signal]);
      }
      return runs.map((r) => ({ ...r, signals: byRun.get(r.summary.id) ?? r.signals ?? [] }));
    },
    signals: async (runId) => rowsOf(await read<SignalRow>('signals', runRange(runId))),
    appendSignals: (runId, batch, record) =>
      write(['runs', 'signals'], (tx) => {
        if (record) tx.objectStore('runs').put(record);
        const signals = tx.objectStore('signals');
        for (const signal of batch) signals.put({ runId, seq: signal.seq, signal } satisfies SignalRow);
      }),
    economics: async (dagId) =>
      (await promisify(
        (await open).transaction('economics', 'readonly').objectStore('economics').get(dagId),
      )) as EconomicsRow | undefined,
    observeRun: (runId, dagId, observation) =>
      write(['runs', 'economics'], (tx) => {
        const runsStore = tx.objectStore('runs');
        const economics = tx.objectStore('economics');
        // Read and write in one readwrite transaction: IndexedDB runs overlapping ones one at a time,
        // so two engines finishing the same run cannot both fold it.
        runsStore.get(runId).onsuccess = (e) => {
          const run = (e.target as IDBRequest<RunRow | undefined>).result;
          if (!run || run.observed) return;
          runsStore.put({ ...run, observed: true });
          economics.get(dagId).onsuccess = (ev) => {
            const row = (ev.target as IDBRequest<EconomicsRow | undefined>).result;
            economics.put(addRun(row, dagId, observation));
          };
        };
      }),
  };
};
