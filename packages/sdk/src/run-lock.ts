/**
 * Holds a run for one engine while `whileHeld` runs (it releases when the promise settles). Two
 * engines executing the same run would both append the same seqs; a lock keeps a resuming engine
 * waiting until the one that executed the run before (a closing tab's worker) is gone.
 */
export type RunLock = (runId: string, whileHeld: () => Promise<unknown>) => void;

interface Locks {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>;
}

const locks = (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;

/** Web Locks, shared by every tab and worker of the origin (only in secure contexts). */
export const webLocks: RunLock | undefined =
  locks && ((runId, whileHeld) => void locks.request(`laneflow-run:${runId}`, whileHeld));

/** Where there is one engine only (Node, tests, an insecure page whose engine is shared). */
export const unlocked: RunLock = (_runId, whileHeld) => void whileHeld();

/** A UUID v4; `crypto.randomUUID` is missing from insecure contexts (a dashboard on a LAN address). */
export const newRunId = (): string => {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
