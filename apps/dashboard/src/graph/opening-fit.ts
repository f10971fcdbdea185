import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback } from 'react';
import { FIT_VIEW } from './layout.ts';

/** Graphs up to this size open with their labels readable rather than whole and tiny. */
export const LEGIBLE_MAX_NODES = 50;
/** Node labels are 14 px at 100 % (styles.css `.lf-node-label`): at this zoom they are 12 px on screen. */
export const LEGIBLE_ZOOM = 0.86;
/** Space kept between the pane's edge and the graph when its start is shown. */
const EDGE_PX = 24;

/**
 * How the editor fits a DAG it opens: whole, or for a DAG of up to 50 nodes no smaller than the zoom
 * where labels are readable. Fit View (the controls) always shows the whole graph, and so does the
 * run view, where where the run has got to matters more than reading every label (ADR 0031).
 */
export const openingFit = (nodes: number) =>
  nodes <= LEGIBLE_MAX_NODES ? { ...FIT_VIEW, minZoom: LEGIBLE_ZOOM } : FIT_VIEW;

/**
 * Fits the graph as it opens (see `openingFit`). A graph that does not fit at the readable zoom is
 * shown from its start, the top left where its first steps are, rather than from its middle.
 */
export const useOpeningFit = () => {
  const { fitView, getNodes, getNodesBounds, getViewport, setViewport } = useReactFlow();
  const store = useStoreApi();
  return useCallback(
    async (nodes: number) => {
      await fitView(openingFit(nodes));
      if (nodes > LEGIBLE_MAX_NODES) return;
      const { width, height } = store.getState();
      const { x, y, zoom } = getViewport();
      const b = getNodesBounds(getNodes());
      const wide = b.width * zoom > width;
      const tall = b.height * zoom > height;
      if (wide || tall)
        await setViewport({
          x: wide ? EDGE_PX - b.x * zoom : x,
          y: tall ? EDGE_PX - b.y * zoom : y,
          zoom,
        });
    },
    [fitView, getNodes, getNodesBounds, getViewport, setViewport, store],
  );
};
