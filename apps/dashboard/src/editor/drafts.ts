import type { EditorDoc } from './doc.ts';

/** Unsaved edits of one DAG, kept in this browser until saved or discarded. */
export interface Draft {
  /** The DAG's id in its store, or `UNSAVED` for a document never saved. */
  key: string;
  doc: EditorDoc;
  /** `Date.now()` when the draft was written. */
  at: number;
}

export const UNSAVED = '(unsaved)';

const DB = 'laneflow-drafts';
const STORE = 'drafts';

// Where IndexedDB is missing (tests, some private modes) drafts last as long as the page.
const memory = new Map<string, Draft>();

let opened: Promise<IDBDatabase> | undefined;
const db = (): Promise<IDBDatabase> | undefined => {
  if (typeof indexedDB === 'undefined') return undefined;
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
};

const run = async <T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
  const d = await (db() as Promise<IDBDatabase>);
  return new Promise((resolve, reject) => {
    const req = op(d.transaction(STORE, mode).objectStore(STORE));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
};

export const putDraft = async (draft: Draft): Promise<void> => {
  if (!db()) return void memory.set(draft.key, draft);
  await run('readwrite', (s) => s.put(draft));
};

export const getDraft = async (key: string): Promise<Draft | undefined> => {
  if (!db()) return memory.get(key);
  return (await run<Draft | undefined>('readonly', (s) => s.get(key))) ?? undefined;
};

export const deleteDraft = async (key: string): Promise<void> => {
  if (!db()) return void memory.delete(key);
  await run('readwrite', (s) => s.delete(key));
};

export const listDrafts = async (): Promise<Draft[]> => {
  if (!db()) return [...memory.values()];
  return run<Draft[]>('readonly', (s) => s.getAll());
};
