import type { Edge } from '@xyflow/react';
import {
  NODE_PAINT,
  type Scene,
  type SceneStyle,
  sceneEdges,
  sceneNode,
  type Theme,
  tint,
} from '../graph/scene.ts';
import { type EditorFlowNode, INVALID_COLOR, kindColors, OTHER_KIND_COLOR } from './editor-node.tsx';

/** Each kind's style in `theme`: its colour's border on the theme's node background. */
const stylesFor = (theme: Theme) => {
  const { fill, ink } = NODE_PAINT[theme];
  const styleFor = (stroke: string): SceneStyle => ({ stroke, fill, ink });
  return {
    kinds: new Map(Object.entries(kindColors).map(([kind, color]) => [kind, styleFor(color)])),
    other: styleFor(OTHER_KIND_COLOR),
    invalid: { stroke: INVALID_COLOR, fill: tint(INVALID_COLOR, 0.15, fill), ink },
  };
};
const themed = { light: stylesFor('light'), dark: stylesFor('dark') };

/** The document as a canvas scene: nodes in their kind's colour, nodes and edges with problems in red. */
export const editorScene = (
  nodes: readonly EditorFlowNode[],
  edges: readonly Edge[],
  theme: Theme,
): Scene => {
  const styles = themed[theme];
  return {
    nodes: nodes.map((n) => {
      const { spec, issues } = n.data;
      const label = typeof spec.label === 'string' && spec.label ? spec.label : spec.id;
      return sceneNode(n, label, issues ? styles.invalid : (styles.kinds.get(spec.kind) ?? styles.other));
    }),
    edges: sceneEdges(edges),
  };
};
