/// <reference lib="dom" />
/**
 * The in-page probe (installed with `page.addInitScript` before any dashboard code runs): a
 * requestAnimationFrame loop recording frame deltas and a PerformanceObserver for long tasks, both
 * recording only between `__lfb.start()` and `__lfb.stop()`; `__lfb.nodesShown` resolves in the first
 * frame with graph nodes (DOM or canvas).
 */
import type { Page } from '@playwright/test';

export interface Recording {
  frames: number[];
  longTasks: Array<{ start: number; duration: number }>;
  ms: number;
}

/** What the probe script puts on the page's `window.__lfb`. */
export interface Probe {
  start(): void;
  stop(): Recording;
  /** Resolves with the rAF time of the first frame with graph nodes (DOM or canvas). */
  nodesShown: Promise<number>;
  firstNodeFrame: number | undefined;
  allLong: Array<{ start: number; duration: number }>;
}

declare global {
  interface Window {
    __lfb: Probe;
  }
}

export const probeScript = `(() => {
  const b = { recording: false, frames: [], longTasks: [], t0: 0, last: 0, allLong: [], firstNodeFrame: undefined };
  b.nodesShown = new Promise((resolve) => { b.showNodes = resolve; });
  window.__lfb = b;
  const loop = (t) => {
    if (b.firstNodeFrame === undefined && document.querySelector('.react-flow__node, .lf-lod[data-drawn]')) {
      b.firstNodeFrame = t;
      b.showNodes(t);
    }
    if (b.recording && b.last > 0) b.frames.push(t - b.last);
    b.last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const x = { start: e.startTime, duration: e.duration };
        b.allLong.push(x);
        if (b.recording) b.longTasks.push(x);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  b.start = () => { b.frames = []; b.longTasks = []; b.last = 0; b.t0 = performance.now(); b.recording = true; };
  b.stop = () => { b.recording = false; return { frames: b.frames, longTasks: b.longTasks, ms: performance.now() - b.t0 }; };
})();`;

export const startRecording = (page: Page) => page.evaluate(() => window.__lfb.start());
export const stopRecording = (page: Page): Promise<Recording> => page.evaluate(() => window.__lfb.stop());

export interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Frames over 16.7 ms / over 50 ms. */
  over16: number;
  over50: number;
  longTasks: number;
  longTaskMs: number;
  seconds: number;
}

export const pct = (xs: readonly number[], q: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
};

export const frameStats = (w: Recording): FrameStats => ({
  frames: w.frames.length,
  p50: pct(w.frames, 0.5),
  p95: pct(w.frames, 0.95),
  p99: pct(w.frames, 0.99),
  max: Math.max(...w.frames),
  over16: w.frames.filter((f) => f > 16.7 + 0.5).length,
  over50: w.frames.filter((f) => f > 50).length,
  longTasks: w.longTasks.length,
  longTaskMs: w.longTasks.reduce((a, t) => a + t.duration, 0),
  seconds: w.ms / 1000,
});

export const median = (xs: readonly number[]): number => pct(xs, 0.5);
