/** Time as the executor sees it; injectable so tests and demos can run on virtual time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as Parameters<typeof clearTimeout>[0]),
};

const settled = Promise.resolve();

/**
 * Functions waiting for a later microtask, oldest first, from `head` to `tail`; one microtask runs
 * all that were queued before it (those queued meanwhile get the next one). Not `queueMicrotask`:
 * Node wraps each of its callbacks in an AsyncResource, which on a no-op node cost more than the
 * rest of its end; and one promise reaction per batch, not per function.
 */
const jobs: Array<((arg: unknown) => void) | undefined> = [];
/** The argument each job is called with, at the same index. */
const args: unknown[] = [];
let head = 0;
let tail = 0;
let scheduled = false;

/** Runs `fn` in a later microtask, after the functions queued before it. */
export const soon = (fn: () => void): void => soonWith(fn, undefined);

/**
 * `soon` for `fn(arg)`: a function shared by every run with the run's state as its argument, not a
 * closure made per run (code optimised around one run's closure is thrown away with the run).
 */
export const soonWith = <T>(fn: (arg: T) => void, arg: T): void => {
  jobs[tail] = fn as (arg: unknown) => void;
  args[tail++] = arg;
  if (scheduled) return;
  scheduled = true;
  void settled.then(runJobs);
};

const runJobs = () => {
  scheduled = false;
  const end = tail;
  while (head < end) {
    const fn = jobs[head] as (arg: unknown) => void;
    const arg = args[head];
    jobs[head] = undefined;
    args[head++] = undefined;
    try {
      fn(arg);
    } catch (err) {
      // As a microtask of its own would: surfaced as an unhandled rejection, and the rest still run.
      void Promise.reject(err);
    }
  }
  if (head === tail) head = tail = 0;
};

/** A virtual clock that can be stepped by hand or jump straight to the next timer whenever idle. */
export interface VirtualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void;
  /** Number of timers still pending. */
  pending(): number;
  /** Stops auto-advancing. */
  stop(): void;
}

/**
 * Virtual time: with `auto` (the default) the clock jumps to the next timer as soon as the event loop
 * has nothing else to do, so a scenario with minutes of backoff and latency runs in milliseconds.
 */
export const createVirtualClock = (start = Date.UTC(2026, 0, 1), { auto = true } = {}): VirtualClock => {
  let now = start;
  let nextId = 1;
  let stopped = false;
  let idleCheck: unknown;
  const timers = new Map<number, { at: number; fn: () => void; order: number }>();

  const next = () => {
    let best: [number, { at: number; order: number; fn: () => void }] | undefined;
    for (const entry of timers)
      if (!best || entry[1].at < best[1].at || (entry[1].at === best[1].at && entry[1].order < best[1].order))
        best = entry;
    return best;
  };

  // A real macrotask runs only after every pending microtask: then nothing but timers can move the run.
  const scheduleIdleCheck = () => {
    if (!auto || stopped || idleCheck !== undefined) return;
    idleCheck = setTimeout(() => {
      idleCheck = undefined;
      const due = next();
      if (!due) return;
      now = Math.max(now, due[1].at);
      timers.delete(due[0]);
      due[1].fn();
      if (timers.size > 0) scheduleIdleCheck();
    }, 0);
  };

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn, order: id });
      scheduleIdleCheck();
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (let due = next(); due && due[1].at <= until; due = next()) {
        now = due[1].at;
        timers.delete(due[0]);
        due[1].fn();
      }
      now = until;
    },
    pending: () => timers.size,
    stop() {
      stopped = true;
      if (idleCheck !== undefined) clearTimeout(idleCheck as Parameters<typeof clearTimeout>[0]);
    },
  };
};

/** Resolves after `ms` on `clock`; rejects with the abort reason when `signal` aborts first. */
export const sleep = (clock: Clock, ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
