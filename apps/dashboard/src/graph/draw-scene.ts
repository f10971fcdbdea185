import { NODE_H } from './layout.ts';
import type { Scene, SceneNode, SceneStyle } from './scene.ts';

/** React Flow's default edge colour, so the canvas and the DOM graph look alike. */
const EDGE_COLOR = '#b1b1b7';
const SELECTED = '#2563eb';
/** Below these on-screen node heights, icons and then labels are too small to read and are skipped. */
const ICON_MIN_PX = 14;
const LABEL_MIN_PX = 22;
/** Far out a curve and a line look the same, and a line is much cheaper to rasterise. */
const CURVES_MIN_ZOOM = 0.25;

export interface DrawTarget {
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
  dpr: number;
  /** React Flow's transform: flow point p is drawn at p * zoom + (x, y). */
  x: number;
  y: number;
  zoom: number;
  selectedId?: string | undefined;
}

const iconPaths = new Map<string, Path2D>();
const iconPath = (d: string): Path2D => {
  let p = iconPaths.get(d);
  if (!p) {
    p = new Path2D(d);
    iconPaths.set(d, p);
  }
  return p;
};

const toFlow = (ctx: CanvasRenderingContext2D, t: DrawTarget) =>
  ctx.setTransform(t.dpr * t.zoom, 0, 0, t.dpr * t.zoom, t.dpr * t.x, t.dpr * t.y);

/** A rectangle of the canvas, in CSS pixels. */
export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}
type Box = { x0: number; y0: number; x1: number; y1: number };

/** A region of the canvas (by default all of it) in flow coordinates. */
const viewBox = (t: DrawTarget, r: Region = { x: 0, y: 0, w: t.width, h: t.height }): Box => {
  const x0 = (r.x - t.x) / t.zoom;
  const y0 = (r.y - t.y) / t.zoom;
  return { x0, y0, x1: x0 + r.w / t.zoom, y1: y0 + r.h / t.zoom };
};

const groupByStyle = (nodes: Iterable<SceneNode>): Map<SceneStyle, SceneNode[]> => {
  const groups = new Map<SceneStyle, SceneNode[]>();
  for (const n of nodes) {
    let list = groups.get(n.style);
    if (!list) {
      list = [];
      groups.set(n.style, list);
    }
    list.push(n);
  }
  return groups;
};

// Per node list, so a pan's strips and every frame of an unchanged graph share one lookup.
const lookups = new WeakMap<readonly SceneNode[], Map<string, SceneNode>>();
const lookupOf = (nodes: readonly SceneNode[]): Map<string, SceneNode> => {
  let byId = lookups.get(nodes);
  if (!byId) {
    byId = new Map(nodes.map((n) => [n.id, n]));
    lookups.set(nodes, byId);
  }
  return byId;
};

const paintEdges = (ctx: CanvasRenderingContext2D, scene: Scene, t: DrawTarget, box: Box) => {
  const { x0, y0, x1, y1 } = box;
  const byId = lookupOf(scene.nodes);
  const curves = t.zoom >= CURVES_MIN_ZOOM;
  const groups = new Map<string, { path: Path2D; dashed: boolean; stroke: string }>();
  // Right middle of the source to left middle of the target, as React Flow draws them.
  for (const e of scene.edges) {
    const s = byId.get(e.source);
    const d = byId.get(e.target);
    if (!s || !d) continue;
    const sx = s.x + s.w;
    const sy = s.y + s.h / 2;
    const tx = d.x;
    const ty = d.y + d.h / 2;
    if (Math.max(sx, tx) < x0 || Math.min(sx, tx) > x1 || Math.max(sy, ty) < y0 || Math.min(sy, ty) > y1)
      continue;
    const stroke = e.stroke ?? EDGE_COLOR;
    const key = `${stroke}${e.dashed ? '-' : ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { path: new Path2D(), dashed: e.dashed === true, stroke };
      groups.set(key, group);
    }
    group.path.moveTo(sx, sy);
    if (curves) {
      const c = Math.max(Math.abs(tx - sx) / 2, 20);
      group.path.bezierCurveTo(sx + c, sy, tx - c, ty, tx, ty);
    } else group.path.lineTo(tx, ty);
  }
  const px = Math.max(1, 1 / t.zoom);
  ctx.lineWidth = 1 / t.zoom;
  for (const g of groups.values()) {
    ctx.strokeStyle = g.stroke;
    ctx.setLineDash(g.dashed ? [6 * px, 4 * px] : []);
    ctx.stroke(g.path);
  }
  ctx.setLineDash([]);
};

/**
 * Boxes batched by style, then icons and labels once they are legible. Opaque rect fills only
 * (the border is the outer box, the fill an inset one) except for dashed borders: the cheapest
 * thing to rasterise, which matters because a 2D canvas is rasterised on the main thread.
 */
const paintNodes = (ctx: CanvasRenderingContext2D, groups: Map<SceneStyle, SceneNode[]>, t: DrawTarget) => {
  const border = Math.max(1.5 / t.zoom, 2);
  // Far out the border fills the whole box (1.5 px of a node under ~3 px high): the inset fill
  // would be empty, or negative, which canvas flips into a stray rectangle.
  const inset = (NODE_H - 2 * border) * t.zoom >= 1;
  for (const [style, list] of groups) {
    if (style.dashed) {
      ctx.fillStyle = style.fill;
      for (const n of list) ctx.fillRect(n.x, n.y, n.w, n.h);
      ctx.strokeStyle = style.stroke;
      ctx.lineWidth = border;
      ctx.setLineDash([5 * border, 3 * border]);
      for (const n of list) ctx.strokeRect(n.x, n.y, n.w, n.h);
      ctx.setLineDash([]);
      continue;
    }
    // fillRect takes the rasteriser's rect fast path; a path of thousands of rects does not.
    ctx.fillStyle = style.stroke;
    for (const n of list) ctx.fillRect(n.x, n.y, n.w, n.h);
    if (!inset) continue;
    ctx.fillStyle = style.fill;
    for (const n of list) ctx.fillRect(n.x + border, n.y + border, n.w - 2 * border, n.h - 2 * border);
  }
  const nodePx = NODE_H * t.zoom;
  if (nodePx < ICON_MIN_PX) return;
  ctx.lineWidth = 2.5;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const [style, list] of groups) {
    if (!style.icon) continue;
    const icon = iconPath(style.icon);
    ctx.strokeStyle = style.stroke;
    for (const n of list) {
      // The icon's 24-unit box, scaled to 16 flow units at the node's top left.
      ctx.save();
      ctx.translate(n.x + 10, n.y + 12);
      ctx.scale(16 / 24, 16 / 24);
      ctx.stroke(icon);
      ctx.restore();
    }
  }
  if (nodePx < LABEL_MIN_PX) return;
  ctx.font = '600 13px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (const [style, list] of groups) {
    ctx.fillStyle = style.ink;
    for (const n of list) {
      const room = Math.floor((n.w - 44) / 7.5);
      const text = n.label.length > room ? `${n.label.slice(0, Math.max(1, room - 1))}…` : n.label;
      ctx.fillText(text, n.x + 32, n.y + 20);
    }
  }
};

const paintSelection = (ctx: CanvasRenderingContext2D, n: SceneNode, t: DrawTarget) => {
  const px = 1 / t.zoom;
  ctx.strokeStyle = SELECTED;
  ctx.lineWidth = Math.max(3 * px, 3);
  ctx.strokeRect(n.x - 2 * px, n.y - 2 * px, n.w + 4 * px, n.h + 4 * px);
};

const inView = (n: SceneNode, v: Box) => n.x + n.w >= v.x0 && n.x <= v.x1 && n.y + n.h >= v.y0 && n.y <= v.y1;

/** The nodes inside `box`, with the selection ring; returns how many were painted. */
const paintNodesIn = (
  ctx: CanvasRenderingContext2D,
  nodes: readonly SceneNode[],
  t: DrawTarget,
  box: Box,
) => {
  const visible = nodes.filter((n) => inView(n, box));
  paintNodes(ctx, groupByStyle(visible), t);
  const selected = visible.find((n) => n.id === t.selectedId);
  if (selected) paintSelection(ctx, selected, t);
  return visible.length;
};

/**
 * Paints a scene, or the part of it in `region`: edges, then nodes. Work is bounded by what is in
 * view: nodes and edges outside it are skipped. Returns how many nodes were in view.
 */
export const drawScene = (
  ctx: CanvasRenderingContext2D,
  scene: Scene,
  t: DrawTarget,
  region?: Region,
): number => {
  ctx.save();
  ctx.setTransform(t.dpr, 0, 0, t.dpr, 0, 0);
  if (region) {
    ctx.beginPath();
    ctx.rect(region.x, region.y, region.w, region.h);
    ctx.clip();
    ctx.clearRect(region.x, region.y, region.w, region.h);
  } else ctx.clearRect(0, 0, t.width, t.height);
  toFlow(ctx, t);
  const v = viewBox(t, region);
  paintEdges(ctx, scene, t, v);
  const painted = paintNodesIn(ctx, scene.nodes, t, v);
  ctx.restore();
  return painted;
};

/**
 * A pan: moves the pixels already drawn by (dx, dy) CSS pixels (whole device pixels, see
 * `snapToPixels`) and paints only the strips that came into view, instead of the whole graph.
 */
export const scrollScene = (
  ctx: CanvasRenderingContext2D,
  canvas: HTMLCanvasElement,
  scene: Scene,
  t: DrawTarget,
  dx: number,
  dy: number,
): void => {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalCompositeOperation = 'copy';
  ctx.drawImage(canvas, Math.round(dx * t.dpr), Math.round(dy * t.dpr));
  ctx.restore();
  const { width: w, height: h } = t;
  if (dx > 0) drawScene(ctx, scene, t, { x: 0, y: 0, w: dx, h });
  if (dx < 0) drawScene(ctx, scene, t, { x: w + dx, y: 0, w: -dx, h });
  if (dy > 0) drawScene(ctx, scene, t, { x: 0, y: 0, w, h: dy });
  if (dy < 0) drawScene(ctx, scene, t, { x: 0, y: h + dy, w, h: -dy });
};

/** Translations on whole device pixels, so a pan moves pixels without resampling them. */
export const snapToPixels = (v: number, dpr: number): number => Math.round(v * dpr) / dpr;

/**
 * Repaints only the given nodes over the last frame: when a run changes a few lanes per frame and
 * nothing else moved, that is a few rects instead of the whole graph. Nodes never overlap and are
 * opaque, so painting over the old box leaves no trace of it.
 */
export const patchScene = (
  ctx: CanvasRenderingContext2D,
  nodes: readonly SceneNode[],
  t: DrawTarget,
): void => {
  toFlow(ctx, t);
  paintNodesIn(ctx, nodes, t, viewBox(t));
};
