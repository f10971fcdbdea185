import { type LayoutInput, layoutGraph } from './layout.ts';

// Lays out large graphs off the main thread so the editor stays responsive.
self.onmessage = (e: MessageEvent<LayoutInput>) => {
  self.postMessage(layoutGraph(e.data));
};
