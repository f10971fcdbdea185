import type { NodeKind } from '@laneflow/core';

/** The document being edited: a DAG that may be invalid while the user works on it. */
export interface EditorNode {
  id: string;
  kind: string;
  position: { x: number; y: number };
  [field: string]: unknown;
}
export interface EditorEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
  condition?: { path: string; op: string; value?: unknown };
}
export interface EditorDoc {
  id: string;
  name?: string;
  description?: string;
  [field: string]: unknown;
  nodes: EditorNode[];
  edges: EditorEdge[];
}

export const emptyDoc = (): EditorDoc => ({ id: 'untitled', name: 'Untitled DAG', nodes: [], edges: [] });

let edgeCounter = 0;
/** Ids the editor made up for edges that had none; they are not written back to the DAG file. */
const invented = new Set<string>();
export const newEdgeId = (): string => {
  const id = `edge-${Date.now().toString(36)}-${(edgeCounter++).toString(36)}`;
  invented.add(id);
  return id;
};

/** Accepts any JSON DAG (e.g. an import); gives edges ids and nodes positions so the canvas can hold them. */
export const toEditorDoc = (raw: unknown): EditorDoc => {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const nodes = Array.isArray(o.nodes) ? o.nodes : [];
  const edges = Array.isArray(o.edges) ? o.edges : [];
  return {
    ...o,
    id: typeof o.id === 'string' ? o.id : 'untitled',
    nodes: nodes.map((n, i) => {
      const node = (typeof n === 'object' && n !== null ? n : {}) as Record<string, unknown>;
      return {
        ...node,
        id: typeof node.id === 'string' ? node.id : `node${i + 1}`,
        kind: typeof node.kind === 'string' ? node.kind : 'llm',
        position: (node.position as EditorNode['position'] | undefined) ?? {
          x: (i % 6) * 260,
          y: Math.floor(i / 6) * 120,
        },
      };
    }),
    edges: edges.map((e) => {
      const edge = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      return {
        ...edge,
        id: typeof edge.id === 'string' ? edge.id : newEdgeId(),
        source: String(edge.source),
        target: String(edge.target),
      };
    }),
  };
};

/** The document as a DAG file: edge ids the editor invented are dropped. */
export const toDagJson = (doc: EditorDoc): Record<string, unknown> => ({
  ...doc,
  edges: doc.edges.map(({ id, ...e }) => (invented.has(id) ? e : { id, ...e })),
});

/** The fields a fresh node of each kind starts with: enough to be valid, with no reference to fix. */
export const kindDefaults: Record<NodeKind, Record<string, unknown>> = {
  llm: { prompt: 'Describe the task for the model.', sim: { answer: 'simulated answer', latencyMs: 500 } },
  approval: { prompt: 'Approve this step?' },
  transform: { mapping: {} },
  map: { items: '{{inputs.items}}', prompt: 'Handle {{item}}' },
};

/** A fresh node of `kind`, valid as it is. */
export const newNode = (kind: NodeKind, id: string, position: { x: number; y: number }): EditorNode => ({
  id,
  kind,
  label: id,
  position,
  ...structuredClone(kindDefaults[kind]),
});

/** The first `<kind><n>` id not taken. */
export const freshId = (doc: EditorDoc, kind: string): string => {
  const taken = new Set(doc.nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!taken.has(`${kind}${i}`)) return `${kind}${i}`;
};
