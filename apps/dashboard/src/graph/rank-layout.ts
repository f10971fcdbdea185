import { type LayoutInput, NODE_H, NODE_W, type Positions } from './layout.ts';

const RANK_GAP = 70;
const ROW_GAP = 28;

/**
 * A plain layered layout, left to right, for when ELK cannot run (no Web Worker, a worker blocked
 * or failed): each node one column after its furthest dependency, ordered in its column by where its
 * inputs are. Iterative and linear, so no graph is too large for it; nodes on a cycle go last.
 */
export const rankLayout = ({ nodes, edges }: LayoutInput): Positions => {
  const ids = new Set(nodes.map((n) => n.id));
  const preds = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const succs = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const indegree = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (const e of edges)
    if (ids.has(e.source) && ids.has(e.target) && e.source !== e.target) {
      preds.get(e.target)?.push(e.source);
      succs.get(e.source)?.push(e.target);
      indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    }
  const rank = new Map<string, number>();
  const queue = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i] as string;
    const r = rank.get(id) ?? 0;
    rank.set(id, r);
    for (const s of succs.get(id) ?? []) {
      rank.set(s, Math.max(rank.get(s) ?? 0, r + 1));
      const left = (indegree.get(s) ?? 0) - 1;
      indegree.set(s, left);
      if (left === 0) queue.push(s);
    }
  }
  let last = 0;
  for (const r of rank.values()) last = Math.max(last, r);
  const placed = new Set(queue);
  for (const n of nodes) if (!placed.has(n.id)) rank.set(n.id, last + 1);

  const columns: string[][] = [];
  for (const n of nodes) {
    const r = rank.get(n.id) as number;
    const column = columns[r] ?? [];
    column.push(n.id);
    columns[r] = column;
  }
  const row = new Map<string, number>();
  const out: Positions = {};
  columns.forEach((column, r) => {
    // By the mean row of the node's inputs (one barycentre sweep), so chains stay straight.
    const weight = (id: string) => {
      const rows = (preds.get(id) ?? []).flatMap((p) => (row.has(p) ? [row.get(p) as number] : []));
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const sorted = column.map((id, i) => ({ id, w: weight(id), i })).sort((a, b) => a.w - b.w || a.i - b.i);
    sorted.forEach(({ id }, i) => {
      row.set(id, i);
      out[id] = { x: r * (NODE_W + RANK_GAP), y: i * (NODE_H + ROW_GAP) };
    });
  });
  return out;
};
