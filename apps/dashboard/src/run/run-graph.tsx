import { type DagSpec, laneStyles, type RunView } from '@laneflow/core';
import {
  Background,
  Controls,
  type Edge,
  MiniMap,
  type NodeTypes,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import { useMemo } from 'react';
import { FIT_VIEW, MINIMAP_MIN_NODES } from '../graph/layout.ts';
import { LodLayer, useLod } from '../graph/lod-layer.tsx';
import { hideAll, nodeAt, sceneEdges } from '../graph/scene.ts';
import { useTheme } from '../ui/theme.ts';
import { createGraphModel, type LaneFlowNode } from './graph-model.ts';
import { LaneNode } from './lane-node.tsx';
import { runSceneNodes } from './run-scene.ts';
import { useSelection } from './selection.ts';

const nodeTypes: NodeTypes = { lane: LaneNode };
const minimapColor = (n: LaneFlowNode) => laneStyles[n.data.node.lane].color;
const noEdges: Edge[] = [];

const Graph = ({ dag, view, rev }: { dag: DagSpec; view: RunView; rev: number }) => {
  const model = useMemo(() => createGraphModel(dag), [dag]);
  const selected = useSelection((s) => s.nodeId);
  const selectNode = useSelection((s) => s.selectNode);
  const { screenToFlowPosition } = useReactFlow();
  const theme = useTheme((s) => s.theme);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `rev` is the view's version; the view mutates in place.
  const { nodes, edges } = useMemo(() => model(view, selected), [model, view, rev, selected]);
  const lod = useLod(nodes.length);
  // Zoomed out, React Flow keeps the nodes (for fitting and culling) but renders none of them: its
  // node list changes only when nodes are added, not on every signal.
  // biome-ignore lint/correctness/useExhaustiveDependencies: in LOD only the node count changes what React Flow needs.
  const flowNodes = useMemo(() => (lod ? hideAll(nodes) : nodes), [lod, lod ? nodes.length : nodes]);
  const paintedEdges = useMemo(() => (lod ? sceneEdges(edges) : undefined), [lod, edges]);
  const scene = useMemo(
    () => paintedEdges && { nodes: runSceneNodes(nodes, theme), edges: paintedEdges },
    [nodes, paintedEdges, theme],
  );
  return (
    <ReactFlow
      nodes={flowNodes}
      edges={lod ? noEdges : edges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      onlyRenderVisibleElements
      fitView
      fitViewOptions={FIT_VIEW}
      minZoom={FIT_VIEW.minZoom}
      onNodeClick={(_, n) => selectNode(n.id)}
      onPaneClick={(e) =>
        selectNode(scene && nodeAt(scene, screenToFlowPosition({ x: e.clientX, y: e.clientY }))?.id)
      }
      proOptions={{ hideAttribution: true }}
      colorMode={theme}
    >
      <Background />
      {scene && <LodLayer scene={scene} selectedId={selected} />}
      <Controls showInteractive={false} fitViewOptions={FIT_VIEW} />
      {!lod && nodes.length > MINIMAP_MIN_NODES && (
        <MiniMap<LaneFlowNode> nodeColor={minimapColor} pannable zoomable />
      )}
    </ReactFlow>
  );
};

/**
 * The run's graph: DAG nodes and runtime children, coloured by lane, read-only. Zoomed out on a
 * large graph it is painted on a canvas (ADR 0011); a click there still selects the node under it.
 */
export const RunGraph = (props: { dag: DagSpec; view: RunView; rev: number }) => (
  <ReactFlowProvider>
    <Graph {...props} />
  </ReactFlowProvider>
);
