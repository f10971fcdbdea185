import { type AsyncQueue, createAsyncQueue } from '../async-queue.ts';
import { apply, applyKnown, createRunView, type NodeView, type RunView } from '../projection.ts';
import type { Signal, SignalDraftOf, SignalType } from '../signals.ts';
import { type Clock, soon } from './clock.ts';
import type { SignalLog } from './log.ts';

export type SignalListener = (signal: Signal) => void;

/** Keeps the view of the node whose signals it is handed with (the executor's node record). */
export interface ViewHolder {
  view: NodeView | undefined;
}

/** Fields of a signal the caller supplies; the emitter adds `type`, `runId`, `seq` and `at`. */
export type EmitFields<T extends SignalType> = Omit<SignalDraftOf<T>, 'type' | 'runId' | 'at'>;

export interface Emitter {
  /** Stamps and queues a signal; it reaches the view and listeners once its batch is committed. */
  emit<T extends SignalType>(type: T, fields: EmitFields<T>): Signal;
  /**
   * `emit` for a signal the caller built whole (its `seq` and `at` are overwritten): no copy, for the
   * signals every node emits. `ms`: the clock's time, when the caller has just read it. `holder`: where
   * the node's view is kept between its signals, so delivering them does not look it up each time.
   */
  emitBuilt(signal: Signal, ms?: number, holder?: ViewHolder): Signal;
  /** Committed signals, in seq order. */
  readonly committed: readonly Signal[];
  /** The live projection of committed signals. */
  readonly view: RunView;
  subscribe(listener: SignalListener): () => void;
  /** Resolves once every emitted signal is committed and delivered. */
  drained(): Promise<void>;
  /** Marks the stream finished: iterators end after the last committed signal. */
  close(): void;
  iterate(from?: number): AsyncIterableIterator<Signal>;
}

/** The default for a listener that throws: say so, and carry on. */
export const reportListenerError = (err: unknown, signal: Signal): void => {
  console.error(`laneflow: a signal listener threw on ${signal.type} #${signal.seq}`, err);
};

/**
 * Assigns gap-free seqs in emission order and group-commits: everything emitted while a batch is
 * being appended (or during the log's `lingerMs`) goes into the next batch. A signal is delivered
 * only after its batch is appended.
 */
export const createEmitter = (opts: {
  runId: string;
  /** Where batches are committed; without one, a signal is committed once the handle keeps it. */
  log?: SignalLog;
  clock: Clock;
  onFatal: (err: unknown) => void;
  /** Told when a listener throws; the signal still reaches every other listener and the run goes on. */
  onListenerError?: (err: unknown, signal: Signal) => void;
  /** Signals already committed (recovery): the view and seq continue from them. */
  history?: readonly Signal[];
}): Emitter => {
  const { runId, log, clock } = opts;
  const onListenerError = opts.onListenerError ?? reportListenerError;
  const committed: Signal[] = [];
  const view = createRunView();
  const listeners = new Set<SignalListener>();
  /** The open iterators: each gets every signal delivered after it started. */
  const queues = new Set<AsyncQueue<Signal>>();
  let seq = 0;
  /**
   * Signals emitted and not yet committed, the first `tail` entries. The array is overwritten in
   * place, not replaced: a fresh one per batch cost more than the rest of a no-op node's commit.
   */
  const pending: Array<Signal | undefined> = [];
  /** The holder each pending signal was emitted with, at the same index. */
  const holders: Array<ViewHolder | undefined> = [];
  let tail = 0;
  let inflight = false;
  let scheduled = false;
  let closed = false;
  let failed = false;
  let drainResolvers: Array<() => void> = [];

  for (const s of opts.history ?? []) {
    committed.push(s);
    apply(view, s);
    seq = s.seq;
  }

  // Formatting a date is the dearest part of a signal; signals in the same millisecond share the text.
  let stampMs = Number.NaN;
  let stampText = '';
  const stamp = (ms: number): string => {
    if (ms !== stampMs) {
      stampText = new Date(ms).toISOString();
      stampMs = ms;
    }
    return stampText;
  };

  const deliverOne = (s: Signal, holder?: ViewHolder) => {
    committed.push(s);
    if (holder === undefined) apply(view, s);
    else {
      const applied = applyKnown(view, s, holder.view);
      if (typeof applied === 'object') holder.view = applied;
    }
    if (queues.size > 0) for (const q of queues) q.push(s);
    if (listeners.size > 0)
      for (const l of listeners) {
        // An observer must not break the run: a throw here would fail the commit loop.
        try {
          l(s);
        } catch (err) {
          onListenerError(err, s);
        }
      }
  };

  const deliver = (batch: Signal[], batchHolders: Array<ViewHolder | undefined>) => {
    for (let i = 0, n = batch.length; i < n; i++) deliverOne(batch[i] as Signal, batchHolders[i]);
  };

  /** Without a log: delivers what is pending, and what listeners emit meanwhile, in order. */
  const deliverPending = () => {
    for (let i = 0; i < tail; i++) {
      const s = pending[i] as Signal;
      const holder = holders[i];
      pending[i] = undefined;
      holders[i] = undefined;
      deliverOne(s, holder);
    }
    tail = 0;
  };

  /** Takes what is pending out as one batch for the log, with the holders of its signals. */
  const take = (): [Signal[], Array<ViewHolder | undefined>] => {
    const batch = pending.slice(0, tail) as Signal[];
    const batchHolders = holders.slice(0, tail);
    pending.fill(undefined, 0, tail);
    holders.fill(undefined, 0, tail);
    tail = 0;
    return [batch, batchHolders];
  };

  const resolveDrains = () => {
    const rs = drainResolvers;
    drainResolvers = [];
    for (const r of rs) r();
  };

  const fatal = (err: unknown) => {
    failed = true;
    inflight = false;
    pending.length = 0;
    holders.length = 0;
    tail = 0;
    opts.onFatal(err);
    resolveDrains();
  };

  /**
   * Commits and delivers batches until none is pending. A log that commits synchronously costs no
   * await per batch.
   */
  const commit = (): void => {
    try {
      while (tail > 0) {
        if (log === undefined) {
          deliverPending();
          continue;
        }
        const [batch, batchHolders] = take();
        const appended = log.append(batch);
        if (appended !== undefined) {
          appended.then(() => {
            try {
              deliver(batch, batchHolders);
            } catch (err) {
              fatal(err);
              return;
            }
            commit();
          }, fatal);
          return;
        }
        deliver(batch, batchHolders);
      }
    } catch (err) {
      fatal(err);
      return;
    }
    inflight = false;
    resolveDrains();
  };

  const flush = () => {
    scheduled = false;
    if (inflight) return;
    if (failed) return resolveDrains();
    inflight = true;
    commit();
  };

  const emitBuilt = (s: Signal, ms = clock.now(), holder?: ViewHolder): Signal => {
    s.seq = ++seq;
    s.at = stamp(ms);
    if (failed) return s;
    holders[tail] = holder;
    pending[tail++] = s;
    if (!inflight && !scheduled) {
      scheduled = true;
      if (log?.lingerMs) clock.setTimeout(flush, log.lingerMs);
      else soon(flush);
    }
    return s;
  };

  return {
    emit(type, fields) {
      return emitBuilt({ type, runId, seq: 0, at: '', ...fields } as unknown as Signal);
    },
    emitBuilt,
    committed,
    view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    drained() {
      if (tail === 0 && !inflight && !scheduled) return Promise.resolve();
      return new Promise((resolve) => drainResolvers.push(resolve));
    },
    close() {
      closed = true;
      for (const q of queues) q.end();
      queues.clear();
    },
    iterate(from = 0) {
      const q = createAsyncQueue<Signal>(() => queues.delete(q));
      for (let i = from; i < committed.length; i++) q.push(committed[i] as Signal);
      if (closed) q.end();
      else queues.add(q);
      return q;
    },
  };
};
