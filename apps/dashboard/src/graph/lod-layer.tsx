import { useStore, useStoreApi } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { drawScene, patchScene, scrollScene, snapToPixels } from './draw-scene.ts';
import type { Scene, SceneEdge, SceneNode } from './scene.ts';

/** Graphs this large switch to the canvas when zoomed out; smaller ones always stay DOM nodes. */
export const LOD_MIN_NODES = 200;
/** Below this zoom a node's text is under ~6 px: unreadable, so drawing it as DOM buys nothing. */
export const LOD_ZOOM = 0.5;

/**
 * Whether a graph of `count` nodes is drawn on the canvas at the current zoom. Re-renders only when
 * the answer flips, not on every zoom step. While a fit is pending the zoom is about to change, so
 * a large graph stays on the canvas rather than mounting DOM nodes that the fit would discard.
 */
export const useLod = (count: number): boolean =>
  useStore((s) => count >= LOD_MIN_NODES && (s.fitViewQueued || s.transform[2] < LOD_ZOOM));

/**
 * The graph painted on one canvas under React Flow's (then empty) node layer: thousands of nodes
 * cost a few draw calls per frame instead of thousands of DOM elements to style, lay out and
 * composite. Redraws at most once per animation frame, when the viewport or the scene changes.
 */
export const LodLayer = ({ scene, selectedId }: { scene: Scene; selectedId?: string | undefined }) => {
  const ref = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  const latest = useRef({ scene, selectedId });
  latest.current = { scene, selectedId };
  const frame = useRef(0);
  // What is on the canvas now, so the next frame can repaint only what changed.
  const drawn = useRef<{
    nodes: readonly SceneNode[];
    edges: readonly SceneEdge[];
    selectedId: string | undefined;
    x: number;
    y: number;
    zoom: number;
  }>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new scene or selection is what asks for a redraw.
  useEffect(() => {
    const draw = () => {
      frame.current = 0;
      const el = ref.current;
      const ctx = el?.getContext?.('2d');
      if (!el || !ctx) return;
      const { width, height, transform } = store.getState();
      const dpr = window.devicePixelRatio || 1;
      const x = snapToPixels(transform[0], dpr);
      const y = snapToPixels(transform[1], dpr);
      const zoom = transform[2];
      const { scene, selectedId } = latest.current;
      const target = { width, height, dpr, x, y, zoom, selectedId };
      const prev = drawn.current;
      const sized = el.width === Math.round(width * dpr) && el.height === Math.round(height * dpr);
      drawn.current = { nodes: scene.nodes, edges: scene.edges, selectedId, x, y, zoom };
      if (
        prev &&
        sized &&
        prev.zoom === zoom &&
        prev.edges === scene.edges &&
        prev.selectedId === selectedId
      ) {
        const dx = x - prev.x;
        const dy = y - prev.y;
        // A pan over an unchanged graph: move the pixels, paint the strips that came into view.
        if (prev.nodes === scene.nodes && Math.abs(dx) < width / 2 && Math.abs(dy) < height / 2) {
          if (dx !== 0 || dy !== 0) scrollScene(ctx, el, scene, target, dx, dy);
          return;
        }
        // Only styles changed (a live run moving lanes): repaint just those nodes.
        if (dx === 0 && dy === 0 && prev.nodes.length === scene.nodes.length) {
          const changed = scene.nodes.filter((n, i) => {
            const old = prev.nodes[i];
            return old?.id !== n.id || old.style !== n.style || old.label !== n.label;
          });
          if (changed.length < scene.nodes.length / 2) {
            patchScene(ctx, changed, target);
            return;
          }
        }
      }
      if (!sized) {
        el.width = Math.round(width * dpr);
        el.height = Math.round(height * dpr);
      }
      // What the last full frame showed, for tests and tools that cannot read pixels.
      el.dataset.drawn = String(drawScene(ctx, scene, target));
    };
    const schedule = () => {
      if (!frame.current) frame.current = requestAnimationFrame(draw);
    };
    schedule();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.transform !== prev.transform || s.width !== prev.width || s.height !== prev.height) schedule();
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [store, scene, selectedId]);

  return (
    <canvas
      ref={ref}
      className="lf-lod"
      data-testid="graph-canvas"
      role="img"
      aria-label={`${scene.nodes.length} nodes; zoom in to see and edit them one by one`}
    />
  );
};
