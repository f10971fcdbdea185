import ELK from 'elkjs/lib/elk-api.js';
// The layout engine (1.6 MB) runs as its own worker script, fetched only when a layout is asked for.
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { type LayoutInput, NODE_H, NODE_W, type Positions } from './layout.ts';
import { rankLayout } from './rank-layout.ts';

/** Beyond this many nodes, ELK's thorough crossing minimisation takes too long for a click. */
const THOROUGH_MAX_NODES = 1000;

/**
 * ELK's layered algorithm, left to right. Up to a thousand nodes it minimises crossings layer by
 * layer; beyond that it keeps the document's order within a layer and places nodes simply, about
 * three times faster (a 2,000-node DAG in Chromium's worker: 3.0 s against 8.3 s with the engine
 * cold on this busy machine), which also keeps its recursion shallow on 5,000 nodes.
 */
export const elkOptions = (nodes: number): Record<string, string> => ({
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.nodeNodeBetweenLayers': '70',
  'elk.layered.thoroughness': '1',
  ...(nodes > THOROUGH_MAX_NODES && {
    'elk.layered.layering.strategy': 'LONGEST_PATH',
    'elk.layered.crossingMinimization.strategy': 'INTERACTIVE',
    'elk.layered.nodePlacement.strategy': 'SIMPLE',
  }),
});

export interface LayoutResult {
  positions: Positions;
  /** `rank` when ELK could not run and the plain layered layout was used. */
  engine: 'elk' | 'rank';
}

export class LayoutCancelled extends Error {
  constructor() {
    super('layout cancelled');
  }
}

type Elk = InstanceType<typeof ELK>;
let elk: Elk | undefined;
let warmed = false;
/** One ELK worker, kept: its first layout pays for compiling the engine (seconds on a busy machine). */
const engine = (): Elk => {
  elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  return elk;
};
const stopEngine = () => {
  elk?.terminateWorker();
  elk = undefined;
  warmed = false;
};

/**
 * Starts the ELK worker and runs a small layout, so that the engine is compiled before the user's
 * layout is asked for: called when a layout is likely (hovering Auto layout, choosing a file).
 */
export const prewarmLayout = (): void => {
  if (warmed || typeof Worker === 'undefined') return;
  warmed = true;
  const children = Array.from({ length: 60 }, (_, i) => ({ id: `w${i}`, width: NODE_W, height: NODE_H }));
  const edges = children.slice(1).map((c, i) => ({ id: `we${i}`, sources: [`w${i}`], targets: [c.id] }));
  engine()
    .layout({ id: 'warm', layoutOptions: elkOptions(children.length), children, edges })
    .catch(() => {});
};

/**
 * Lays the graph out with ELK in a Web Worker, so the page stays responsive; `signal` cancels it
 * (the worker is stopped at once). Where ELK cannot run, the plain layered layout is used instead.
 */
export const autoLayout = async (input: LayoutInput, signal?: AbortSignal): Promise<LayoutResult> => {
  if (typeof Worker === 'undefined') return { positions: rankLayout(input), engine: 'rank' };
  const ids = new Set(input.nodes.map((n) => n.id));
  const graph = {
    id: 'root',
    layoutOptions: elkOptions(input.nodes.length),
    children: input.nodes.map((n) => ({ id: n.id, width: NODE_W, height: NODE_H })),
    edges: input.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
      .map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  };
  const cancelled = new Promise<never>((_, reject) => {
    const stop = () => reject(new LayoutCancelled());
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
  });
  try {
    const laid = await Promise.race([engine().layout(graph), cancelled]);
    const positions: Positions = {};
    for (const c of laid.children ?? [])
      positions[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
    return { positions, engine: 'elk' };
  } catch (err) {
    // A cancelled layout may still be running: only stopping the worker stops it.
    stopEngine();
    if (err instanceof LayoutCancelled) throw err;
    // A worker that cannot start or a layout that fails still gets the graph laid out.
    return { positions: rankLayout(input), engine: 'rank' };
  }
};
