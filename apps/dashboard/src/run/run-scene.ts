import { type Lane, laneStyles, lanes } from '@laneflow/core';
import { NODE_PAINT, type SceneNode, type SceneStyle, sceneNode, type Theme, tint } from '../graph/scene.ts';
import { laneIconPaths } from '../lanes/lane-icon.tsx';
import type { LaneFlowNode } from './graph-model.ts';

/** Lane colour and icon as on the DOM node; a stronger tint, since a zoomed-out box is small. */
const laneSceneStyles = (theme: Theme) => {
  const { fill, ink } = NODE_PAINT[theme];
  return Object.fromEntries(
    lanes.map((lane) => {
      const s = laneStyles[lane];
      const style: SceneStyle = {
        stroke: s.color,
        fill: tint(s.color, 0.25, fill),
        ink,
        dashed: s.dashed,
        icon: laneIconPaths[lane],
      };
      return [lane, style];
    }),
  ) as Record<Lane, SceneStyle>;
};
const themed = { light: laneSceneStyles('light'), dark: laneSceneStyles('dark') };

/** The run's nodes for the canvas: each in its lane's colour and icon, on the theme's node background. */
export const runSceneNodes = (nodes: readonly LaneFlowNode[], theme: Theme): SceneNode[] =>
  nodes.map((n) => sceneNode(n, n.data.node.label ?? n.id, themed[theme][n.data.node.lane]));
