import { type Lane, laneStyles, lanes } from '@laneflow/core';
import type { SceneNode, SceneStyle } from '../graph/scene.ts';
import { sceneNode, tint } from '../graph/scene.ts';
import { laneIconPaths } from '../lanes/lane-icon.tsx';
import type { LaneFlowNode } from './graph-model.ts';

/** Lane colour and icon as on the DOM node; a stronger tint, since a zoomed-out box is small. */
const laneSceneStyles = Object.fromEntries(
  lanes.map((lane) => {
    const s = laneStyles[lane];
    return [
      lane,
      { stroke: s.color, fill: tint(s.color, 0.25), dashed: s.dashed, icon: laneIconPaths[lane] },
    ];
  }),
) as Record<Lane, SceneStyle>;

/** The run's nodes for the canvas: each in its lane's colour and icon. */
export const runSceneNodes = (nodes: readonly LaneFlowNode[]): SceneNode[] =>
  nodes.map((n) => sceneNode(n, n.data.node.label ?? n.id, laneSceneStyles[n.data.node.lane] as SceneStyle));
