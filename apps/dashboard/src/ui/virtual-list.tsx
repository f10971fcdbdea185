import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useClientSize } from './use-client-size.ts';

export interface VirtualListProps {
  /** How many rows the list has. */
  count: number;
  /** Every row is exactly this tall (px). */
  rowHeight: number;
  /** Viewport height used until the real one is measured (and in environments without layout). */
  height?: number;
  /** Rows rendered above and below the viewport. */
  overscan?: number;
  /** Renders row `index`; memoise the row component, this runs for visible rows only. */
  renderRow: (index: number) => ReactNode;
  /** Keyed so a re-render keeps row components mounted; defaults to the index. */
  rowKey?: (index: number) => string | number;
  /** Scrolls so this row is visible when it changes. */
  scrollToIndex?: number | undefined;
  className?: string;
  'aria-label'?: string;
}

/** Which rows to render for a scroll offset: the visible window plus `overscan` on each side. */
export const visibleRange = (
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan: number,
): { start: number; end: number } => {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + viewport) / rowHeight);
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + overscan) };
};

/**
 * A fixed-row-height virtual list: only the rows in view (plus a few) are in the DOM, so 50,000 rows
 * scroll as smoothly as 50.
 */
export const VirtualList = ({
  count,
  rowHeight,
  height = 240,
  overscan = 6,
  renderRow,
  rowKey,
  scrollToIndex,
  className,
  'aria-label': ariaLabel,
}: VirtualListProps) => {
  const ref = useRef<HTMLDivElement>(null);
  // The first row in view, not the raw offset: scrolling within a row re-renders nothing.
  const [firstRow, setFirstRow] = useState(0);
  const viewport = useClientSize(ref, 'height', height);

  useEffect(() => {
    const el = ref.current;
    if (!el || scrollToIndex === undefined || scrollToIndex < 0) return;
    const top = scrollToIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + viewport) el.scrollTop = top + rowHeight - viewport;
  }, [scrollToIndex, rowHeight, viewport]);

  // When the list shrinks (a filter), the old offset may point past the end.
  const maxTop = Math.max(0, count * rowHeight - viewport);
  const top = Math.min(firstRow * rowHeight, maxTop);
  const { start, end } = visibleRange(top, viewport + rowHeight, rowHeight, count, overscan);
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++)
    rows.push(
      <li
        key={rowKey ? rowKey(i) : i}
        aria-setsize={count}
        aria-posinset={i + 1}
        className="lf-vrow"
        style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}
      >
        {renderRow(i)}
      </li>,
    );

  return (
    <div
      ref={ref}
      className={`lf-vlist${className ? ` ${className}` : ''}`}
      style={{ overflowY: 'auto', position: 'relative', height: '100%', minHeight: rowHeight }}
      onScroll={(e) => setFirstRow(Math.floor(e.currentTarget.scrollTop / rowHeight))}
      data-testid="virtual-list"
    >
      <ul
        aria-label={ariaLabel}
        style={{ position: 'relative', height: count * rowHeight, margin: 0, padding: 0, listStyle: 'none' }}
      >
        {rows}
      </ul>
    </div>
  );
};
