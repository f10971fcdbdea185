import type { DagSpec, NodeView, RunView } from '@laneflow/core';
import type { Edge, Node } from '@xyflow/react';
import { layoutGraph, NODE_H, NODE_W, type Positions } from '../graph/layout.ts';

export interface LaneNodeData extends Record<string, unknown> {
  node: NodeView;
  rev: number;
  tierName: string;
  kind: string;
}
export type LaneFlowNode = Node<LaneNodeData, 'lane'>;

/** DAG positions, with a layout for DAGs saved without them. */
export const dagPositions = (dag: DagSpec): Positions => {
  if (dag.nodes.every((n) => n.position))
    return Object.fromEntries(dag.nodes.map((n) => [n.id, n.position as { x: number; y: number }]));
  return layoutGraph(dag);
};

/**
 * Turns a run's projection into React Flow nodes and edges. Node objects are reused while the
 * node's `rev` is unchanged, so memoised node components skip re-rendering.
 */
export const createGraphModel = (dag: DagSpec) => {
  const base = dagPositions(dag);
  const kinds = new Map(dag.nodes.map((n) => [n.id, n.kind]));
  const dagIds = new Set(dag.nodes.map((n) => n.id));
  const placeholders = new Map<string, NodeView>();
  const placeholder = (id: string, label: string | undefined): NodeView => {
    let node = placeholders.get(id);
    if (!node) {
      node = {
        id,
        ...(label !== undefined && { label }),
        lane: 'queued',
        attempt: 0,
        tier: 0,
        children: [],
        usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, calls: 0 },
        // Below any projected node's rev, so the real node replaces it in the cache.
        rev: -1,
      };
      placeholders.set(id, node);
    }
    return node;
  };
  const cache = new Map<string, LaneFlowNode>();
  const dagEdges: Edge[] = dag.edges.map((e, i) => ({
    id: e.id ?? `e${i}`,
    source: e.source,
    target: e.target,
    ...(e.label !== undefined && { label: e.label }),
    ...(e.condition && { label: e.label ?? `if ${e.condition.path || 'output'} ${e.condition.op}` }),
  }));

  // The edge list changes only when a child is added (or another view, a replay, is shown); an
  // unchanged list keeps its identity, so neither React Flow nor the canvas redo their edges.
  let shownView: RunView | undefined;
  let lineage: Edge[] = [];
  let edges: Edge[] = dagEdges;
  // Where each runtime child went. Placing an escalation child scans every node, and the view only
  // grows in insertion order, so a child's place never changes: found once, not on every frame.
  let childPlaces = new Map<string, { x: number; y: number }>();

  const positionOf = (view: RunView, node: NodeView, placed: Map<string, { x: number; y: number }>) => {
    const known = base[node.id] ?? placed.get(node.id);
    if (known) return known;
    const parent = node.parentId ? placed.get(node.parentId) : undefined;
    if (!parent) return { x: 0, y: (placed.size + 1) * (NODE_H + 30) };
    const siblings = view.nodes.get(node.parentId as string)?.children ?? [];
    const i = Math.max(0, siblings.indexOf(node.id));
    // Spawned children fan out under their parent.
    if (node.spawnReason !== 'escalation')
      return { x: parent.x + 20 * i, y: parent.y + (NODE_H + 24) * (i + 1) };
    // Escalation children sit beside their parent: below it, or above it when another node is there.
    const step = NODE_H + 50;
    const free = (p: { x: number; y: number }) => {
      for (const q of [...Object.values(base), ...placed.values()])
        if (Math.abs(q.x - p.x) < NODE_W + 10 && Math.abs(q.y - p.y) < NODE_H + 10) return false;
      return true;
    };
    for (const dy of [step, -step, 2 * step, -2 * step]) {
      const p = { x: parent.x + 40, y: parent.y + dy };
      if (free(p)) return p;
    }
    return { x: parent.x + 40, y: parent.y + step };
  };

  return (view: RunView, selected: string | undefined): { nodes: LaneFlowNode[]; edges: Edge[] } => {
    const placed = new Map<string, { x: number; y: number }>();
    const nodes: LaneFlowNode[] = [];
    if (view !== shownView) {
      shownView = view;
      lineage = [];
      edges = dagEdges;
      childPlaces = new Map();
    }
    const lineageBefore = lineage.length;
    let children = 0;
    const emit = (node: NodeView) => {
      let position = base[node.id] ?? childPlaces.get(node.id);
      if (!position) {
        position = positionOf(view, node, placed);
        childPlaces.set(node.id, position);
      }
      placed.set(node.id, position);
      const isSelected = node.id === selected;
      const prev = cache.get(node.id);
      if (prev && prev.data.rev === node.rev && prev.selected === isSelected) {
        nodes.push(prev);
      } else {
        const rf: LaneFlowNode = {
          id: node.id,
          type: 'lane',
          // Sizes before React Flow measures the node, so the minimap and fitView have them at once.
          initialWidth: NODE_W,
          initialHeight: NODE_H,
          position,
          selected: isSelected,
          // A node waiting for a person sits above edges and their labels, so Approve is never covered.
          ...(node.pendingApproval && { zIndex: 1000 }),
          data: {
            node,
            rev: node.rev,
            tierName: view.ladder[node.tier]?.name ?? `tier ${node.tier}`,
            kind: kinds.get(node.id) ?? kinds.get(node.id.split(/[@[]/)[0] ?? '') ?? 'llm',
          },
        };
        cache.set(node.id, rf);
        nodes.push(rf);
      }
    };
    // Every DAG node from the first frame — those without signals yet as queued placeholders — so
    // the first fit covers the whole graph, not just the nodes whose signals arrived first.
    for (const spec of dag.nodes) emit(view.nodes.get(spec.id) ?? placeholder(spec.id, spec.label));
    for (const node of view.nodes.values()) {
      if (dagIds.has(node.id)) continue;
      emit(node);
      // The view only grows, in insertion order: the first `lineageBefore` children have edges.
      if (node.parentId && ++children > lineageBefore)
        lineage.push({
          id: `lineage-${node.id}`,
          source: node.parentId,
          target: node.id,
          ...(node.spawnReason === 'escalation'
            ? {
                label: `↑ tier ${node.tier}${view.ladder[node.tier] ? ` (${view.ladder[node.tier]?.name})` : ''}`,
                style: { stroke: '#9333ea', strokeDasharray: '6 4' },
                labelStyle: { fill: '#9333ea', fontWeight: 600 },
              }
            : { style: { stroke: '#94a3b8' } }),
        });
    }
    if (lineage.length !== lineageBefore) edges = [...dagEdges, ...lineage];
    return { nodes, edges };
  };
};
