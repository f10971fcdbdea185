import type { RunView, Signal } from '@laneflow/core';
import { useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import { useSelection } from '../run/selection.ts';
import { VirtualList } from '../ui/virtual-list.tsx';
import { defaultFilter, filterEvents, indexOfSeq, nodeIdOf, type TimelineFilter } from './events.ts';
import { TimeAxis } from './time-axis.tsx';
import { TimelineFilters } from './timeline-filters.tsx';
import { TimelineRow } from './timeline-row.tsx';

export const ROW_HEIGHT = 26;

const timeOf = (s: Signal | undefined): number | undefined => (s ? Date.parse(s.at) : undefined);

/**
 * Escalation, confidence-gate and approval events of a run (every signal on a toggle) on a time axis
 * and in a virtualised list, with filters. Selecting one opens it in the inspector.
 */
export const Timeline = ({ view, signals }: { view: RunView; signals: readonly Signal[] }) => {
  const [filter, setFilter] = useState<TimelineFilter>(defaultFilter);
  // Typing in the search box stays responsive while 50,000 events are re-filtered.
  const deferred = useDeferredValue(filter);
  const selectedSeq = useSelection((s) => s.seq);
  const selectEvent = useSelection((s) => s.selectEvent);
  const listRef = useRef<HTMLDivElement>(null);
  // The view and the signal array grow in place: `rev` and `length` are their versions.
  const { rev } = view;
  const count = signals.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: rev/count version the in-place view and signals.
  const events = useMemo(() => filterEvents(view, signals, deferred), [view, signals, deferred, rev, count]);

  const start = timeOf(signals[0]) ?? (view.startedAt ? Date.parse(view.startedAt) : 0);
  const end = Math.max(start, timeOf(signals[count - 1]) ?? start);

  const onSelect = useCallback((s: Signal) => selectEvent(s.seq, nodeIdOf(s)), [selectEvent]);
  const selectedIndex = indexOfSeq(events, selectedSeq);

  const renderRow = (i: number) => {
    const s = events[i] as Signal;
    const id = nodeIdOf(s);
    return (
      <TimelineRow
        signal={s}
        start={start}
        nodeLabel={id === undefined ? undefined : view.nodes.get(id)?.label}
        selected={s.seq === selectedSeq}
        onSelect={onSelect}
      />
    );
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    if (events.length === 0) return;
    e.preventDefault();
    const next =
      selectedIndex < 0
        ? 0
        : Math.max(0, Math.min(events.length - 1, selectedIndex + (e.key === 'ArrowDown' ? 1 : -1)));
    const s = events[next] as Signal;
    onSelect(s);
    requestAnimationFrame(() =>
      listRef.current?.querySelector<HTMLButtonElement>(`[data-seq="${s.seq}"]`)?.focus(),
    );
  };

  return (
    <section className="lf-timeline" aria-label="Timeline">
      <div className="lf-timeline-head">
        <h2>Timeline</h2>
        <TimelineFilters view={view} rev={rev} filter={filter} onChange={setFilter} shown={events.length} />
      </div>
      <TimeAxis events={events} start={start} end={end} selectedSeq={selectedSeq} onSelect={onSelect} />
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move the selection between the row buttons inside. */}
      <div className="lf-tlist" ref={listRef} onKeyDown={onKeyDown}>
        {events.length === 0 ? (
          <p className="lf-muted" style={{ margin: 8 }}>
            {count === 0 ? 'No signals yet.' : 'No events match the filters.'}
          </p>
        ) : (
          <VirtualList
            count={events.length}
            rowHeight={ROW_HEIGHT}
            height={160}
            renderRow={renderRow}
            rowKey={(i) => (events[i] as Signal).seq}
            scrollToIndex={selectedIndex >= 0 ? selectedIndex : undefined}
            aria-label="Timeline events"
          />
        )}
      </div>
    </section>
  );
};
