import ELK from 'elkjs/lib/elk-api.js';
// The layout engine (1.6 MB) runs as its own worker script, fetched only when a layout is asked for.
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { type LayoutInput, NODE_H, NODE_W, type Positions } from './layout.ts';
import { rankLayout } from './rank-layout.ts';

/** Beyond this many nodes, ELK's thorough crossing minimisation takes too long for a click. */
const THOROUGH_MAX_NODES = 1000;

/**
 * ELK's layered algorithm, left to right. Up to a thousand nodes it minimises crossings layer by
 * layer; beyond that it keeps the document's order within a layer, places nodes simply and routes
 * edges as straight segments (the canvas draws its own edges, so ELK's orthogonal routing was only
 * spent time), about three times faster, which also keeps its recursion shallow on 5,000 nodes.
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
    'elk.edgeRouting': 'POLYLINE',
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
/** Whether a layout has been asked for since the engine started: warming stops then. */
let asked = false;
/** One ELK worker, kept: its first layout pays for compiling the engine (seconds on a busy machine). */
const engine = (): Elk => {
  elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  return elk;
};
const stopEngine = () => {
  elk?.terminateWorker();
  elk = undefined;
  warmed = false;
  asked = false;
};

/** `chains` chains of `length` nodes: a graph for warming the engine. */
const chainsGraph = (chains: number, length: number, options: Record<string, string>) => {
  const children = [];
  const edges = [];
  for (let c = 0; c < chains; c++)
    for (let i = 0; i < length; i++) {
      children.push({ id: `w${c}_${i}`, width: NODE_W, height: NODE_H });
      if (i > 0) edges.push({ id: `we${c}_${i}`, sources: [`w${c}_${i - 1}`], targets: [`w${c}_${i}`] });
    }
  return { id: 'warm', layoutOptions: options, children, edges };
};

/**
 * Starts the ELK worker and runs layouts nobody sees, so that the engine is compiled before the
 * user's layout is asked for: called when a layout is likely (hovering Auto layout, choosing a file).
 * The engine is compiled to JavaScript and the browser optimises it only as it runs: a 2,000-node
 * layout right after one small warm-up took 2-3 s, after two of 300 nodes about 1 s. Both kinds of
 * layout are warmed, each phase's code being its own. One warm-up at a time, and none once the
 * user's layout is asked for: the worker runs layouts in turn, so the user's would wait for them.
 */
export const prewarmLayout = (): void => {
  if (warmed || typeof Worker === 'undefined') return;
  warmed = true;
  const large = elkOptions(THOROUGH_MAX_NODES + 1);
  const graphs = [chainsGraph(3, 20, elkOptions(60)), chainsGraph(10, 30, large), chainsGraph(10, 30, large)];
  const warm = (i: number) => {
    const graph = graphs[i];
    if (!graph || asked || !elk) return;
    elk.layout(graph).then(
      () => warm(i + 1),
      () => {},
    );
  };
  engine();
  warm(0);
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
    asked = true;
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
