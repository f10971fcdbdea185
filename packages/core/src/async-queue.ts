/**
 * Items pushed by a producer, iterated by one consumer in order: the one async queue behind every
 * watch iterator (a run's signals in the engine, a worker's messages in the SDK). `end` finishes the
 * iteration after what was pushed, with `error` thrown once they are consumed; a consumer that stops
 * early (`return`) is told through `onReturn`.
 */
export interface AsyncQueue<T> extends AsyncIterableIterator<T> {
  push(item: T): void;
  end(error?: unknown): void;
  /** Whether `end` was called. */
  readonly ended: boolean;
  /** Stops the iteration: what was not consumed is dropped. */
  return(): Promise<IteratorResult<T>>;
}

export const createAsyncQueue = <T>(onReturn?: () => void): AsyncQueue<T> => {
  let items: T[] = [];
  let head = 0;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const queue: AsyncQueue<T> = {
    push(item) {
      if (ended) return;
      items.push(item);
      notify();
    },
    end(error) {
      if (ended) return;
      ended = true;
      if (error !== undefined) failure = { error };
      notify();
    },
    get ended() {
      return ended;
    },
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (head < items.length) {
          const value = items[head++] as T;
          // Drop what was consumed now and then, so a long stream does not keep it all.
          if (head > 1024 && head * 2 > items.length) {
            items = items.slice(head);
            head = 0;
          }
          return { value, done: false };
        }
        if (ended) {
          if (failure) {
            const { error } = failure;
            failure = undefined;
            throw error;
          }
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    async return(): Promise<IteratorResult<T>> {
      const first = !ended;
      ended = true;
      items = [];
      head = 0;
      notify();
      if (first) onReturn?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
};
