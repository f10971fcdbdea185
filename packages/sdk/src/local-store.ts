import type { DagRecord, DagSpec, RunSummary, Signal } from '@laneflow/core';

/** A finished local run as kept across reloads. */
export interface StoredRun {
  summary: RunSummary;
  dag: DagSpec;
  signals: Signal[];
}

/** Where the local transport keeps DAGs and finished runs. */
export interface LocalStore {
  dags(): Promise<DagRecord[]>;
  putDag(dag: DagRecord): Promise<void>;
  deleteDag(id: string): Promise<void>;
  runs(): Promise<StoredRun[]>;
  putRun(run: StoredRun): Promise<void>;
}

/** Keeps everything in memory (Node, tests). */
export const createMemoryStore = (): LocalStore => {
  const dags = new Map<string, DagRecord>();
  const runs = new Map<string, StoredRun>();
  return {
    dags: async () => [...dags.values()],
    putDag: async (d) => void dags.set(d.id, d),
    deleteDag: async (id) => void dags.delete(id),
    runs: async () => [...runs.values()],
    putRun: async (r) => void runs.set(r.summary.id, r),
  };
};

const promisify = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/** Keeps DAGs and finished runs in IndexedDB, so a reload keeps them (browser, Web Worker). */
export const createIndexedDbStore = (name = 'laneflow'): LocalStore => {
  const open = new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('dags', { keyPath: 'id' });
      req.result.createObjectStore('runs', { keyPath: 'summary.id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const read = async <T>(store: 'dags' | 'runs') =>
    promisify((await open).transaction(store, 'readonly').objectStore(store).getAll() as IDBRequest<T[]>);
  /** Resolves once the transaction has committed, not merely when the request succeeded. */
  const write = async (store: 'dags' | 'runs', op: (s: IDBObjectStore) => void) => {
    const tx = (await open).transaction(store, 'readwrite');
    op(tx.objectStore(store));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  };
  return {
    dags: () => read<DagRecord>('dags'),
    putDag: (d) => write('dags', (s) => s.put(d)),
    deleteDag: (id) => write('dags', (s) => s.delete(id)),
    runs: () => read<StoredRun>('runs'),
    putRun: (r) => write('runs', (s) => s.put(r)),
  };
};
