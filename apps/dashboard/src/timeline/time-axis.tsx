import type { Signal } from '@laneflow/core';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { formatMs } from '../ui/format.ts';
import { useTheme } from '../ui/theme.ts';
import { useClientSize } from '../ui/use-client-size.ts';
import { type EventKind, eventKinds, indexOfSeq, kindOf, kindStyles } from './events.ts';

const BAND = 9;
const GAP = 2;
const PAD = 3;
export const AXIS_HEIGHT = PAD * 2 + eventKinds.length * (BAND + GAP);

// Signals are immutable, so each one's parsed time is cached: a live run re-parses only new ones.
const parsed = new WeakMap<Signal, number>();
const timeOf = (s: Signal): number => {
  let t = parsed.get(s);
  if (t === undefined) {
    t = Date.parse(s.at);
    parsed.set(s, t);
  }
  return t;
};

/** First index whose time is >= t (times ascending). */
const lowerBound = (times: Float64Array, t: number): number => {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * Counts events per pixel column and kind over the visible window: drawing costs O(width), not
 * O(events), and only events inside [from, to] are visited.
 */
export const bucketEvents = (
  times: Float64Array,
  kinds: Uint8Array,
  from: number,
  to: number,
  width: number,
): { counts: Uint32Array[]; max: number } => {
  const counts = eventKinds.map(() => new Uint32Array(Math.max(1, width)));
  const span = Math.max(1, to - from);
  let max = 0;
  const end = times.length;
  for (let i = lowerBound(times, from); i < end; i++) {
    const t = times[i] as number;
    if (t > to) break;
    const col = Math.min(width - 1, Math.floor(((t - from) / span) * width));
    const row = counts[kinds[i] as number] as Uint32Array;
    const c = (row[col] as number) + 1;
    row[col] = c;
    if (c > max) max = c;
  }
  return { counts, max };
};

interface Props {
  events: readonly Signal[];
  /** The run's time range (ms since epoch). */
  start: number;
  end: number;
  selectedSeq: number | undefined;
  onSelect: (s: Signal) => void;
}

/**
 * A canvas strip: one band per event kind, ticks aggregated per pixel column (denser = darker), the
 * selected event marked. Wheel zooms around the pointer, double-click resets; click selects the
 * nearest event. The list below is the keyboard and screen-reader path to the same events.
 */
export const TimeAxis = memo(({ events, start, end, selectedSeq, onSelect }: Props) => {
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useClientSize(canvas, 'width', 600);
  // Repainted when the theme changes: the bands take its colours.
  const theme = useTheme((s) => s.theme);
  const [zoom, setZoom] = useState<{ from: number; to: number }>();
  const from = zoom?.from ?? start;
  const to = zoom?.to ?? Math.max(end, start + 1);

  // Times are parsed once per event list; signals are in seq order, which is time order.
  const { times, kinds } = useMemo(() => {
    const times = new Float64Array(events.length);
    const kinds = new Uint8Array(events.length);
    let last = Number.NEGATIVE_INFINITY;
    events.forEach((s, i) => {
      // Clamp, so a clock step backwards cannot break the binary searches.
      last = Math.max(last, timeOf(s));
      times[i] = last;
      kinds[i] = eventKinds.indexOf(kindOf(s));
    });
    return { times, kinds };
  }, [events]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `theme` changes the CSS colours read in the effect.
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext?.('2d');
    if (!el || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.round(width * dpr);
    el.height = Math.round(AXIS_HEIGHT * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, AXIS_HEIGHT);
    const { counts, max } = bucketEvents(times, kinds, from, to, width);
    // The theme's colours (a canvas cannot use CSS variables directly).
    const css = getComputedStyle(el);
    const bandColor = css.getPropertyValue('--hover').trim() || '#f1f5f9';
    const markColor = css.getPropertyValue('--text').trim() || '#0f172a';
    const scale = Math.log2(1 + max);
    counts.forEach((row, k) => {
      const y = PAD + k * (BAND + GAP);
      ctx.fillStyle = bandColor;
      ctx.globalAlpha = 1;
      ctx.fillRect(0, y, width, BAND);
      ctx.fillStyle = kindStyles[eventKinds[k] as EventKind].color;
      for (let x = 0; x < row.length; x++) {
        const c = row[x] as number;
        if (c === 0) continue;
        ctx.globalAlpha = scale > 0 ? 0.45 + (0.55 * Math.log2(1 + c)) / scale : 1;
        ctx.fillRect(x, y, 2, BAND);
      }
    });
    ctx.globalAlpha = 1;
    const sel = events[indexOfSeq(events, selectedSeq)];
    if (sel) {
      const x = ((Date.parse(sel.at) - from) / Math.max(1, to - from)) * width;
      ctx.fillStyle = markColor;
      ctx.fillRect(Math.round(x) - 1, 0, 2, AXIS_HEIGHT);
    }
  }, [times, kinds, from, to, width, selectedSeq, events, theme]);

  const timeAt = (clientX: number) => {
    const rect = (canvas.current as HTMLCanvasElement).getBoundingClientRect();
    const w = rect.width || width;
    return from + ((clientX - rect.left) / w) * (to - from);
  };

  const onClick = (e: React.MouseEvent) => {
    if (times.length === 0) return;
    const t = timeAt(e.clientX);
    const i = lowerBound(times, t);
    const prev = i > 0 ? i - 1 : i;
    const next = Math.min(times.length - 1, i);
    const best = Math.abs((times[prev] as number) - t) <= Math.abs((times[next] as number) - t) ? prev : next;
    // Only when the nearest tick is within a few pixels of the click.
    const px = (Math.abs((times[best] as number) - t) / Math.max(1, to - from)) * width;
    const s = events[best];
    if (s && px <= 6) onSelect(s);
  };

  const onWheel = (e: React.WheelEvent) => {
    const t = timeAt(e.clientX);
    const factor = e.deltaY > 0 ? 1.25 : 0.8;
    const fullEnd = Math.max(end, start + 1);
    const nextFrom = Math.max(start, t - (t - from) * factor);
    const nextTo = Math.min(fullEnd, t + (to - t) * factor);
    if (nextFrom <= start && nextTo >= fullEnd) setZoom(undefined);
    else if (nextTo - nextFrom >= 5) setZoom({ from: nextFrom, to: nextTo });
  };

  const zoomed = zoom !== undefined;
  return (
    <div className="lf-axis">
      <div className="lf-axis-bands" aria-hidden="true">
        {eventKinds.map((k) => (
          // The band's colour as a bar beside its name: cyan or amber text this small fails AA contrast.
          <span
            key={k}
            style={{ height: BAND, marginBottom: GAP, borderRight: `3px solid ${kindStyles[k].color}` }}
          >
            {kindStyles[k].label}
          </span>
        ))}
      </div>
      <div style={{ flex: 1, minWidth: 0 }}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={`${events.length} events over ${formatMs(end - start)}`}
          data-testid="time-axis"
          style={{ width: '100%', height: AXIS_HEIGHT, display: 'block', cursor: 'pointer' }}
          onClick={onClick}
          onWheel={onWheel}
          onDoubleClick={() => setZoom(undefined)}
        />
        <div className="lf-axis-scale lf-muted">
          <span>+{formatMs(from - start)}</span>
          <span>{zoomed ? 'zoomed · double-click to reset' : 'scroll to zoom'}</span>
          <span>+{formatMs(to - start)}</span>
        </div>
      </div>
    </div>
  );
});
TimeAxis.displayName = 'TimeAxis';
