import { type LayoutInput, layoutGraph, type Positions } from './layout.ts';

/** Graphs above this size are laid out in a Web Worker. */
const WORKER_THRESHOLD = 200;

export const layoutAsync = (input: LayoutInput): Promise<Positions> => {
  if (input.nodes.length < WORKER_THRESHOLD || typeof Worker === 'undefined')
    return Promise.resolve(layoutGraph(input));
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<Positions>) => {
      resolve(e.data);
      worker.terminate();
    };
    worker.onerror = (e) => {
      reject(new Error(e.message));
      worker.terminate();
    };
    worker.postMessage({
      nodes: input.nodes.map((n) => ({ id: n.id })),
      edges: input.edges.map((e) => ({ source: e.source, target: e.target })),
    });
  });
};
