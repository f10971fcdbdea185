/** The benchmark's DAG shapes, as plain node ids and edges, independent of any engine. */
import { prng } from '../prng.ts';

export const workloads = ['chain', 'fanout', 'layered'] as const;
export type Workload = (typeof workloads)[number];

export interface Shape {
  workload: Workload;
  /** Node ids, in a topological order. */
  ids: string[];
  /** `deps[i]` lists the indexes node `i` depends on. */
  deps: number[][];
  edges: number;
}

const id = (i: number) => `n${i}`;

/**
 * - `chain`: n0 -> n1 -> … -> n(N-1).
 * - `fanout`: one root -> N-2 leaves -> one sink.
 * - `layered`: about sqrt(N) layers of about sqrt(N) nodes; every node past the first layer depends
 *   on 2 or 3 distinct nodes of the layer before it.
 */
export const makeShape = (workload: Workload, n: number): Shape => {
  const deps: number[][] = [];
  if (workload === 'chain') {
    for (let i = 0; i < n; i++) deps.push(i === 0 ? [] : [i - 1]);
  } else if (workload === 'fanout') {
    deps.push([]);
    for (let i = 1; i < n - 1; i++) deps.push([0]);
    deps.push(Array.from({ length: n - 2 }, (_, i) => i + 1));
  } else {
    const width = Math.round(Math.sqrt(n));
    const rand = prng(n);
    let prevStart = 0;
    let prevLen = 0;
    for (let start = 0; start < n; start += width) {
      const len = Math.min(width, n - start);
      for (let j = 0; j < len; j++) {
        if (prevLen === 0) {
          deps.push([]);
          continue;
        }
        const want = Math.min(prevLen, 2 + Math.floor(rand() * 2));
        const picked = new Set<number>();
        while (picked.size < want) picked.add(prevStart + Math.floor(rand() * prevLen));
        deps.push([...picked].sort((a, b) => a - b));
      }
      prevStart = start;
      prevLen = len;
    }
  }
  return {
    workload,
    ids: deps.map((_, i) => id(i)),
    deps,
    edges: deps.reduce((sum, d) => sum + d.length, 0),
  };
};
