/** The shape graph helpers need: node ids and directed edges. */
export interface GraphLike {
  nodes: ReadonlyArray<{ id: string }>;
  edges: ReadonlyArray<{ source: string; target: string }>;
}

/** Adjacency in both directions, in node order. Edges naming unknown nodes are left out. */
export interface Graph {
  ids: string[];
  preds: Map<string, string[]>;
  succs: Map<string, string[]>;
}

export const buildGraph = (g: GraphLike): Graph => {
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  const ids: string[] = [];
  for (const n of g.nodes) {
    if (preds.has(n.id)) continue;
    ids.push(n.id);
    preds.set(n.id, []);
    succs.set(n.id, []);
  }
  for (const e of g.edges) {
    const p = preds.get(e.target);
    const s = succs.get(e.source);
    if (p === undefined || s === undefined) continue;
    p.push(e.source);
    s.push(e.target);
  }
  return { ids, preds, succs };
};

/**
 * Kahn's order, stable in node order. Nodes on or behind a cycle are missing from `order` and listed
 * in `blocked`.
 */
export const topoSort = (graph: Graph): { order: string[]; blocked: string[] } => {
  const indegree = new Map<string, number>();
  for (const id of graph.ids) indegree.set(id, (graph.preds.get(id) as string[]).length);
  const ready = graph.ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i] as string;
    order.push(id);
    for (const t of graph.succs.get(id) as string[]) {
      const d = (indegree.get(t) as number) - 1;
      indegree.set(t, d);
      if (d === 0) ready.push(t);
    }
  }
  return { order, blocked: graph.ids.filter((id) => (indegree.get(id) as number) > 0) };
};

/** Node ids in dependency order. Throws when the graph has a cycle; validate first. */
export const topologicalOrder = (g: GraphLike): string[] => {
  const { order, blocked } = topoSort(buildGraph(g));
  if (blocked.length > 0) throw new Error(`graph has a cycle through: ${blocked.join(', ')}`);
  return order;
};

const reach = (start: string, next: Map<string, string[]>): Set<string> => {
  const seen = new Set<string>();
  const stack = [...(next.get(start) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of next.get(id) ?? []) stack.push(n);
  }
  return seen;
};

/** Every node `id` depends on, directly or not. */
export const ancestors = (g: GraphLike | Graph, id: string): Set<string> =>
  reach(id, 'preds' in g ? g.preds : buildGraph(g).preds);

/** Every node that depends on `id`, directly or not. */
export const descendants = (g: GraphLike | Graph, id: string): Set<string> =>
  reach(id, 'succs' in g ? g.succs : buildGraph(g).succs);

/**
 * Strongly connected components (iterative Tarjan: a recursive one overflows on deep chains of 10k
 * nodes). Each component comes after every component it reaches along `dir`: with `succs`
 * descendants come first, with `preds` ancestors come first.
 */
export const stronglyConnected = (graph: Graph, dir: 'succs' | 'preds' = 'succs'): string[][] => {
  const next = graph[dir];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of graph.ids) {
    if (index.has(root)) continue;
    const work: Array<[string, number]> = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1] as [string, number];
      const [v, i] = frame;
      if (i === 0) {
        index.set(v, counter);
        low.set(v, counter++);
        stack.push(v);
        onStack.add(v);
      }
      const succ = next.get(v) as string[];
      if (i < succ.length) {
        frame[1] = i + 1;
        const w = succ[i] as string;
        if (!index.has(w)) work.push([w, 0]);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(v) as number));
      if (low.get(v) !== index.get(v)) continue;
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      out.push(scc);
    }
  }
  return out;
};

/**
 * The cycles of a graph, one per strongly connected component with more than one node (Tarjan),
 * each as a closed walk `[a, b, c, a]`. Self-loops are reported separately by validation.
 */
export const findCycles = (graph: Graph): string[][] => {
  const pos = new Map(graph.ids.map((id, i) => [id, i]));
  return stronglyConnected(graph)
    .filter((scc) => scc.length > 1)
    .map((scc) => cycleWithin(graph, new Set(scc), pos));
};

/** A closed walk inside a strongly connected component, walking from its first node in node order. */
const cycleWithin = (graph: Graph, scc: Set<string>, pos: Map<string, number>): string[] => {
  let start = '';
  let first = Number.POSITIVE_INFINITY;
  for (const id of scc) {
    const p = pos.get(id) as number;
    if (p < first) [start, first] = [id, p];
  }
  const path = [start];
  const at = new Map([[start, 0]]);
  let cur = start;
  for (;;) {
    // Skip self-loops: every node of a component of two or more has another successor inside it.
    const from = cur;
    cur = (graph.succs.get(cur) as string[]).find((n) => n !== from && scc.has(n)) as string;
    const seen = at.get(cur);
    if (seen !== undefined) return [...path.slice(seen), cur];
    at.set(cur, path.length);
    path.push(cur);
  }
};
