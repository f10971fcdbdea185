import { create } from 'zustand';
import { autoLayout, LayoutCancelled } from '../graph/auto-layout.ts';
import type { Positions } from '../graph/layout.ts';
import type { EditorDoc } from './doc.ts';

interface LayoutRunState {
  /** The layout in progress: how many nodes, since when, and how to stop it. */
  running: { nodes: number; started: number; controller: AbortController } | undefined;
}

export const useLayoutRun = create<LayoutRunState>(() => ({ running: undefined }));

export const cancelLayout = (): void => useLayoutRun.getState().running?.controller.abort();

/** `doc` with nodes moved to `positions`; nodes added since the layout keep their place. */
export const withPositions = (doc: EditorDoc, positions: Positions): EditorDoc => ({
  ...doc,
  nodes: doc.nodes.map((n) => ({ ...n, position: positions[n.id] ?? n.position })),
});

/**
 * Positions for `doc`'s nodes from ELK (in a Web Worker), or `undefined` if the user cancelled.
 * One layout at a time: starting another cancels the one running.
 */
export const layOut = async (doc: EditorDoc): Promise<Positions | undefined> => {
  cancelLayout();
  const controller = new AbortController();
  useLayoutRun.setState({ running: { nodes: doc.nodes.length, started: Date.now(), controller } });
  try {
    return (await autoLayout(doc, controller.signal)).positions;
  } catch (err) {
    if (err instanceof LayoutCancelled) return undefined;
    throw err;
  } finally {
    if (useLayoutRun.getState().running?.controller === controller)
      useLayoutRun.setState({ running: undefined });
  }
};
