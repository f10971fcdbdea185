import type { Edge, Node } from '@xyflow/react';
import { NODE_H, NODE_W } from './layout.ts';

/** How a node is painted on the canvas. Nodes sharing a style object are drawn in one batch. */
export interface SceneStyle {
  stroke: string;
  fill: string;
  /** The label's colour. */
  ink: string;
  dashed?: boolean;
  /** An SVG path in a 24×24 box (the lane icons), drawn at readable zoom levels. */
  icon?: string;
}

export interface SceneNode {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  style: SceneStyle;
}

export interface SceneEdge {
  source: string;
  target: string;
  /** Defaults to React Flow's edge colour. */
  stroke?: string;
  dashed?: boolean;
}

/** A graph as flat data for the canvas renderer: what is drawn when DOM nodes would be too many. */
export interface Scene {
  nodes: readonly SceneNode[];
  edges: readonly SceneEdge[];
}

/** Anything with React Flow's node shape; measured sizes win over the layout's defaults. */
interface FlowNodeLike {
  id: string;
  position: { x: number; y: number };
  measured?: { width?: number; height?: number };
}

/** A scene node at a React Flow node's place and size. */
export const sceneNode = (n: FlowNodeLike, label: string, style: SceneStyle): SceneNode => ({
  id: n.id,
  x: n.position.x,
  y: n.position.y,
  w: n.measured?.width ?? NODE_W,
  h: n.measured?.height ?? NODE_H,
  label,
  style,
});

/** React Flow edges for the canvas, keeping their stroke colour and dash. */
export const sceneEdges = (edges: readonly Edge[]): SceneEdge[] =>
  edges.map((e) => ({
    source: e.source,
    target: e.target,
    ...(typeof e.style?.stroke === 'string' && { stroke: e.style.stroke }),
    dashed: e.style?.strokeDasharray !== undefined,
  }));

/** The nodes as React Flow keeps them while the canvas paints them: known, but not rendered. */
export const hideAll = <N extends Node>(nodes: readonly N[]): N[] =>
  nodes.map((n) => ({ ...n, hidden: true }));

/** The top-most node under a point in flow coordinates (later nodes are drawn on top). */
export const nodeAt = (scene: Scene, p: { x: number; y: number }): SceneNode | undefined => {
  for (let i = scene.nodes.length - 1; i >= 0; i--) {
    const n = scene.nodes[i] as SceneNode;
    if (p.x >= n.x && p.x <= n.x + n.w && p.y >= n.y && p.y <= n.y + n.h) return n;
  }
  return undefined;
};

export type Theme = 'light' | 'dark';

/** A node's background and text in each theme, as the DOM nodes have them (styles.css `--field`, `--text`). */
export const NODE_PAINT: Record<Theme, { fill: string; ink: string }> = {
  light: { fill: '#ffffff', ink: '#0f172a' },
  dark: { fill: '#1f2937', ink: '#e2e8f0' },
};

/** `#rrggbb` laid over `base` (white unless told) at `alpha`, as an opaque colour: opaque fills rasterise fastest. */
export const tint = (hex: string, alpha: number, base = '#ffffff'): string => {
  const v = Number.parseInt(hex.slice(1, 7), 16);
  const b = Number.parseInt(base.slice(1, 7), 16);
  const mix = (c: number, under: number) => Math.round(under + (c - under) * alpha);
  return `rgb(${mix(v >> 16, b >> 16)}, ${mix((v >> 8) & 255, (b >> 8) & 255)}, ${mix(v & 255, b & 255)})`;
};
