import { type AsyncQueue, createAsyncQueue } from '../async-queue.ts';
import { apply, applyKnown } from '../projection.ts';
import { createRunView, type NodeView, type RunView } from '../run-view.ts';
import type { Signal, SignalDraftOf, SignalType } from '../signals.ts';
import { type Clock, realClock, soonWith } from './clock.ts';
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

/** What an emitter is made with. */
export interface EmitterOptions {
  runId: string;
  /** Where batches are committed; without one, a signal is committed once the handle keeps it. */
  log?: SignalLog;
  clock: Clock;
  onFatal: (err: unknown) => void;
  /** Told when a listener throws; the signal still reaches every other listener and the run goes on. */
  onListenerError?: (err: unknown, signal: Signal) => void;
  /** Signals already committed (recovery): the view and seq continue from them. */
  history?: readonly Signal[];
}

/**
 * Assigns gap-free seqs in emission order and group-commits: everything emitted while a batch is
 * being appended (or during the log's `lingerMs`) goes into the next batch. A signal is delivered
 * only after its batch is appended.
 */
export const createEmitter = (opts: EmitterOptions): Emitter => new SignalEmitter(opts);

/**
 * A class, not closures made per run: the executor calls `emitBuilt` for every signal, and code
 * optimised around one run's closure is thrown away once that run is collected.
 */
class SignalEmitter implements Emitter {
  readonly committed: Signal[] = [];
  readonly view: RunView = createRunView();
  #runId: string;
  #log: SignalLog | undefined;
  #clock: Clock;
  #onFatal: (err: unknown) => void;
  #onListenerError: (err: unknown, signal: Signal) => void;
  #listeners = new Set<SignalListener>();
  /** The open iterators: each gets every signal delivered after it started. */
  #queues = new Set<AsyncQueue<Signal>>();
  #seq = 0;
  /**
   * Signals emitted and not yet committed, the first `tail` entries. The array is overwritten in
   * place, not replaced: a fresh one per batch cost more than the rest of a no-op node's commit.
   */
  #pending: Array<Signal | undefined> = [];
  /** The holder each pending signal was emitted with, at the same index. */
  #holders: Array<ViewHolder | undefined> = [];
  #tail = 0;
  #inflight = false;
  #scheduled = false;
  #closed = false;
  #failed = false;
  #drainResolvers: Array<() => void> = [];
  // Formatting a date is the dearest part of a signal; signals in the same millisecond share the text.
  #stampMs = Number.NaN;
  #stampText = '';
  /** `flush` for a timer (a log's linger). */
  #flushLater = () => this.#flush();
  /**
   * An emitter that lives as long as the class, and never emits: V8 forgets a layout built by adding
   * fields (a class instance's, a view's) once no object has it, and with it the code optimised for
   * it; after a full collection between runs every run would pay to optimise the executor again.
   */
  static readonly layoutKeeper: SignalEmitter = new SignalEmitter({
    runId: '',
    clock: realClock,
    onFatal: () => {},
  });

  constructor(opts: EmitterOptions) {
    this.#runId = opts.runId;
    this.#log = opts.log;
    this.#clock = opts.clock;
    this.#onFatal = opts.onFatal;
    this.#onListenerError = opts.onListenerError ?? reportListenerError;
    for (const s of opts.history ?? []) {
      this.committed.push(s);
      apply(this.view, s);
      this.#seq = s.seq;
    }
  }

  emit<T extends SignalType>(type: T, fields: EmitFields<T>): Signal {
    return this.emitBuilt({ type, runId: this.#runId, seq: 0, at: '', ...fields } as unknown as Signal);
  }

  emitBuilt(s: Signal, ms = this.#clock.now(), holder?: ViewHolder): Signal {
    s.seq = ++this.#seq;
    s.at = this.#stamp(ms);
    if (this.#failed) return s;
    this.#holders[this.#tail] = holder;
    this.#pending[this.#tail++] = s;
    if (!this.#inflight && !this.#scheduled) {
      this.#scheduled = true;
      const linger = this.#log?.lingerMs;
      if (linger) this.#clock.setTimeout(this.#flushLater, linger);
      else soonWith(flushEmitter, this);
    }
    return s;
  }

  subscribe(listener: SignalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  drained(): Promise<void> {
    if (this.#tail === 0 && !this.#inflight && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#drainResolvers.push(resolve));
  }

  close(): void {
    this.#closed = true;
    for (const q of this.#queues) q.end();
    this.#queues.clear();
  }

  iterate(from = 0): AsyncIterableIterator<Signal> {
    const q = createAsyncQueue<Signal>(() => this.#queues.delete(q));
    for (let i = from; i < this.committed.length; i++) q.push(this.committed[i] as Signal);
    if (this.#closed) q.end();
    else this.#queues.add(q);
    return q;
  }

  #stamp(ms: number): string {
    if (ms !== this.#stampMs) {
      this.#stampText = new Date(ms).toISOString();
      this.#stampMs = ms;
    }
    return this.#stampText;
  }

  #deliverOne(s: Signal, holder: ViewHolder | undefined): void {
    this.committed.push(s);
    if (holder === undefined) apply(this.view, s);
    else {
      const applied = applyKnown(this.view, s, holder.view);
      if (typeof applied === 'object') holder.view = applied;
    }
    if (this.#queues.size > 0) for (const q of this.#queues) q.push(s);
    if (this.#listeners.size > 0)
      for (const l of this.#listeners) {
        // An observer must not break the run: a throw here would fail the commit loop.
        try {
          l(s);
        } catch (err) {
          this.#onListenerError(err, s);
        }
      }
  }

  #deliver(batch: Signal[], batchHolders: Array<ViewHolder | undefined>): void {
    for (let i = 0, n = batch.length; i < n; i++) this.#deliverOne(batch[i] as Signal, batchHolders[i]);
  }

  /** Without a log: delivers what is pending, and what listeners emit meanwhile, in order. */
  #deliverPending(): void {
    const pending = this.#pending;
    const holders = this.#holders;
    for (let i = 0; i < this.#tail; i++) {
      const s = pending[i] as Signal;
      const holder = holders[i];
      pending[i] = undefined;
      holders[i] = undefined;
      this.#deliverOne(s, holder);
    }
    this.#tail = 0;
  }

  /** Takes what is pending out as one batch for the log, with the holders of its signals. */
  #take(): [Signal[], Array<ViewHolder | undefined>] {
    const tail = this.#tail;
    const batch = this.#pending.slice(0, tail) as Signal[];
    const batchHolders = this.#holders.slice(0, tail);
    this.#pending.fill(undefined, 0, tail);
    this.#holders.fill(undefined, 0, tail);
    this.#tail = 0;
    return [batch, batchHolders];
  }

  #resolveDrains(): void {
    const rs = this.#drainResolvers;
    this.#drainResolvers = [];
    for (const r of rs) r();
  }

  #fatal(err: unknown): void {
    this.#failed = true;
    this.#inflight = false;
    this.#pending.length = 0;
    this.#holders.length = 0;
    this.#tail = 0;
    this.#onFatal(err);
    this.#resolveDrains();
  }

  /**
   * Commits and delivers batches until none is pending. A log that commits synchronously costs no
   * await per batch.
   */
  #commit(): void {
    const log = this.#log;
    try {
      while (this.#tail > 0) {
        if (log === undefined) {
          this.#deliverPending();
          continue;
        }
        const [batch, batchHolders] = this.#take();
        const appended = log.append(batch);
        if (appended !== undefined) {
          appended.then(
            () => {
              try {
                this.#deliver(batch, batchHolders);
              } catch (err) {
                this.#fatal(err);
                return;
              }
              this.#commit();
            },
            (err) => this.#fatal(err),
          );
          return;
        }
        this.#deliver(batch, batchHolders);
      }
    } catch (err) {
      this.#fatal(err);
      return;
    }
    this.#inflight = false;
    this.#resolveDrains();
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#inflight) return;
    if (this.#failed) {
      this.#resolveDrains();
      return;
    }
    this.#inflight = true;
    this.#commit();
  }

  /** `flush` as a later microtask runs it: one function for every emitter. */
  static flush(e: SignalEmitter): void {
    e.#flush();
  }
}

const flushEmitter = SignalEmitter.flush;
