import { type DagSpec, laneStyles, type RunView } from '@laneflow/core';
import { Background, Controls, MiniMap, type NodeTypes, ReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { FIT_VIEW, MINIMAP_MIN_NODES } from '../graph/layout.ts';
import { createGraphModel, type LaneFlowNode } from './graph-model.ts';
import { LaneNode } from './lane-node.tsx';
import { useSelection } from './selection.ts';

const nodeTypes: NodeTypes = { lane: LaneNode };
const minimapColor = (n: LaneFlowNode) => laneStyles[n.data.node.lane].color;

/** The run's graph: DAG nodes and runtime children, coloured by lane. Rendered read-only. */
export const RunGraph = ({ dag, view, rev }: { dag: DagSpec; view: RunView; rev: number }) => {
  const model = useMemo(() => createGraphModel(dag), [dag]);
  const selected = useSelection((s) => s.nodeId);
  const selectNode = useSelection((s) => s.selectNode);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `rev` is the view's version; the view mutates in place.
  const { nodes, edges } = useMemo(() => model(view, selected), [model, view, rev, selected]);
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      onlyRenderVisibleElements
      fitView
      fitViewOptions={FIT_VIEW}
      minZoom={0.05}
      onNodeClick={(_, n) => selectNode(n.id)}
      onPaneClick={() => selectNode(undefined)}
      proOptions={{ hideAttribution: true }}
    >
      <Background />
      <Controls showInteractive={false} />
      {nodes.length > MINIMAP_MIN_NODES && (
        <MiniMap<LaneFlowNode> nodeColor={minimapColor} pannable zoomable />
      )}
    </ReactFlow>
  );
};
