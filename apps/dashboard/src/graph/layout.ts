import dagre from '@dagrejs/dagre';

export interface LayoutInput {
  nodes: ReadonlyArray<{ id: string }>;
  edges: ReadonlyArray<{ source: string; target: string }>;
}
export type Positions = Record<string, { x: number; y: number }>;

export const NODE_W = 210;
export const NODE_H = 64;
/**
 * Graphs up to this size fit the pane, where a minimap in the corner would only cover nodes (fitView
 * puts the right-most nodes at the pane's right edge); larger graphs get one to navigate.
 */
export const MINIMAP_MIN_NODES = 20;
/**
 * Fitting shows the whole graph, however large: zoomed out, large graphs are painted on a canvas
 * (graph/lod-layer.tsx), whose nodes React Flow holds as hidden ones, so fitting must count them.
 */
export const FIT_VIEW = { minZoom: 0.02, maxZoom: 1, includeHiddenNodes: true } as const;

/** Left-to-right layered layout (dagre), for run views of DAGs saved without positions. */
export const layoutGraph = ({ nodes, edges }: LayoutInput): Positions => {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out: Positions = {};
  for (const n of nodes) {
    const p = g.node(n.id);
    out[n.id] = { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2 };
  }
  return out;
};
