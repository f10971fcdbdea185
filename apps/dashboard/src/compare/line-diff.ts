export interface DiffLine {
  op: 'same' | 'removed' | 'added';
  line: string;
}

/** Longest inputs diffed line by line; past this, both sides are shown whole (LCS is O(n·m)). */
const MAX_LINES = 400;

/**
 * The lines of `a` and `b` in order, each kept, removed (only in `a`) or added (only in `b`), by
 * the longest common subsequence. Undefined when either side is too long to diff cheaply.
 */
export const lineDiff = (a: string, b: string): DiffLine[] | undefined => {
  const x = a.split('\n');
  const y = b.split('\n');
  if (x.length > MAX_LINES || y.length > MAX_LINES) return undefined;
  // lcs[i][j]: length of the longest common subsequence of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      (lcs[i] as number[])[j] =
        x[i] === y[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      out.push({ op: 'same', line: x[i++] as string });
      j++;
    } else if (((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))
      out.push({ op: 'removed', line: x[i++] as string });
    else out.push({ op: 'added', line: y[j++] as string });
  }
  while (i < x.length) out.push({ op: 'removed', line: x[i++] as string });
  while (j < y.length) out.push({ op: 'added', line: y[j++] as string });
  return out;
};
