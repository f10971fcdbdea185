/** What changed between two versions of a DAG, for people: by node id and by edge ends. */
export interface FieldChange {
  /** Dotted path inside the node, edge or DAG, e.g. `gate.target`. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface ItemChange {
  /** A node's id, or an edge as `source → target`. */
  key: string;
  changes: FieldChange[];
}

export interface DagDiff {
  /** The DAG's own fields (name, description, inputs, ladder). */
  fields: FieldChange[];
  nodes: { added: string[]; removed: string[]; changed: ItemChange[]; moved: string[] };
  edges: { added: string[]; removed: string[]; changed: ItemChange[] };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Field-by-field changes; objects are walked, lists and values compared whole. */
const fieldChanges = (a: Obj, b: Obj, skip: ReadonlySet<string>, prefix = ''): FieldChange[] => {
  const out: FieldChange[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!prefix && skip.has(key)) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const before = a[key];
    const after = b[key];
    if (same(before, after)) continue;
    if (isObj(before) && isObj(after)) out.push(...fieldChanges(before, after, skip, path));
    else out.push({ path, before, after });
  }
  return out;
};

const byKey = (items: unknown, key: (item: Obj) => string): Map<string, Obj> => {
  const m = new Map<string, Obj>();
  if (Array.isArray(items)) for (const i of items) if (isObj(i)) m.set(key(i), i);
  return m;
};

const compare = (before: Map<string, Obj>, after: Map<string, Obj>, skip: ReadonlySet<string>) => {
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed: ItemChange[] = [];
  for (const [k, b] of before) {
    const a = after.get(k);
    if (!a) continue;
    const changes = fieldChanges(b, a, skip);
    if (changes.length > 0) changed.push({ key: k, changes });
  }
  return { added, removed, changed };
};

const NODE_SKIP = new Set(['id', 'position']);
const EDGE_SKIP = new Set(['id', 'source', 'target']);
const DAG_SKIP = new Set(['id', 'version', 'nodes', 'edges']);
const edgeKey = (e: Obj) => `${String(e.source)} → ${String(e.target)}`;

/**
 * Compares two DAG documents. Nodes are matched by id and edges by their ends (edge ids are often
 * made up by the editor), so a rename reads as one node removed and one added. Moving a node is
 * listed apart: it changes the picture, not what runs.
 */
export const diffDags = (before: unknown, after: unknown): DagDiff => {
  const a = isObj(before) ? before : {};
  const b = isObj(after) ? after : {};
  const nodesA = byKey(a.nodes, (n) => String(n.id));
  const nodesB = byKey(b.nodes, (n) => String(n.id));
  const moved = [...nodesA].flatMap(([id, n]) => {
    const m = nodesB.get(id);
    return m && !same(n.position, m.position) ? [id] : [];
  });
  return {
    fields: fieldChanges(a, b, DAG_SKIP),
    nodes: { ...compare(nodesA, nodesB, NODE_SKIP), moved },
    edges: compare(byKey(a.edges, edgeKey), byKey(b.edges, edgeKey), EDGE_SKIP),
  };
};

export const isEmptyDiff = (d: DagDiff): boolean =>
  d.fields.length === 0 &&
  d.nodes.added.length + d.nodes.removed.length + d.nodes.changed.length + d.nodes.moved.length === 0 &&
  d.edges.added.length + d.edges.removed.length + d.edges.changed.length === 0;

/** A value as it reads in a sentence: strings quoted and shortened, absent values named. */
export const showValue = (v: unknown, max = 80): string => {
  if (v === undefined) return '(not set)';
  const text = typeof v === 'string' ? `“${v}”` : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};
