import type { Json } from '../signals.ts';
import { soon } from './clock.ts';

/** Work that answered at once, waiting to end. */
export interface AnsweredAtOnce {
  answer: Json | undefined;
  answered(out: Json | undefined): void;
}

/**
 * Work that answered at once, oldest first, from `head` to `tail`. It still ends in a later
 * microtask, as if it had awaited (the nodes started beside it start first); one microtask ends all
 * that were queued before it. The list is overwritten in place, not emptied: a fresh array per
 * microtask would cost more than the rest of a no-op node's end.
 */
const queue: Array<AnsweredAtOnce | undefined> = [];
let head = 0;
let tail = 0;
let scheduled = false;

export const answerSoon = (work: AnsweredAtOnce, answer: Json): void => {
  work.answer = answer;
  queue[tail++] = work;
  if (scheduled) return;
  scheduled = true;
  soon(endAnswered);
};

const endAnswered = () => {
  scheduled = false;
  const end = tail;
  while (head < end) {
    const work = queue[head] as AnsweredAtOnce;
    queue[head++] = undefined;
    const out = work.answer;
    work.answer = undefined;
    work.answered(out);
  }
  // Those queued meanwhile have their own microtask; once none is left, start over at the front.
  if (head === tail) head = tail = 0;
};
