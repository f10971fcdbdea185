import { NODE_H, NODE_W } from '../graph/layout.ts';
import type { EditorDoc } from './doc.ts';

type Point = { x: number; y: number };

const GAP = 24;

/** The top-left corner that puts a node's centre on `p` (positions are a node's top-left). */
export const centredAt = (p: Point): Point => ({
  x: Math.round(p.x - NODE_W / 2),
  y: Math.round(p.y - NODE_H / 2),
});

const overlaps = (doc: EditorDoc, at: Point) =>
  doc.nodes.some(
    (n) =>
      Math.abs(n.position.x - at.x) < NODE_W + GAP / 2 && Math.abs(n.position.y - at.y) < NODE_H + GAP / 2,
  );

/**
 * A free spot for a new node as close as possible to `centre` (a point of the view): the centred
 * spot itself, else the nearest free cell of a grid around it, ring by ring, so clicking the palette
 * several times lays nodes side by side instead of stacking them.
 */
export const freeSpot = (doc: EditorDoc, centre: Point): Point => {
  const start = centredAt(centre);
  const dx = NODE_W + GAP;
  const dy = NODE_H + GAP;
  for (let ring = 0; ring < 50; ring++) {
    const cells: Point[] = [];
    for (let i = -ring; i <= ring; i++)
      for (let j = -ring; j <= ring; j++)
        if (Math.max(Math.abs(i), Math.abs(j)) === ring)
          cells.push({ x: start.x + i * dx, y: start.y + j * dy });
    // Nearest first, and to the right and below before left and above.
    cells.sort(
      (a, b) =>
        Math.hypot(a.x - start.x, (a.y - start.y) * 2) - Math.hypot(b.x - start.x, (b.y - start.y) * 2),
    );
    const free = cells.find((c) => !overlaps(doc, c));
    if (free) return free;
  }
  return start;
};
