import type { Edge } from '@xyflow/react';
import type { Scene, SceneStyle } from '../graph/scene.ts';
import { sceneEdges, sceneNode, tint } from '../graph/scene.ts';
import { type EditorFlowNode, INVALID_COLOR, kindColors, OTHER_KIND_COLOR } from './editor-node.tsx';

const styleFor = (stroke: string): SceneStyle => ({ stroke, fill: '#ffffff' });
const kindStyles = new Map(Object.entries(kindColors).map(([kind, color]) => [kind, styleFor(color)]));
const otherStyle = styleFor(OTHER_KIND_COLOR);
const invalidStyle: SceneStyle = { stroke: INVALID_COLOR, fill: tint(INVALID_COLOR, 0.15) };

/** The document as a canvas scene: nodes in their kind's colour, nodes and edges with problems in red. */
export const editorScene = (nodes: readonly EditorFlowNode[], edges: readonly Edge[]): Scene => ({
  nodes: nodes.map((n) => {
    const { spec, issues } = n.data;
    const label = typeof spec.label === 'string' && spec.label ? spec.label : spec.id;
    return sceneNode(n, label, issues ? invalidStyle : (kindStyles.get(spec.kind) ?? otherStyle));
  }),
  edges: sceneEdges(edges),
});
