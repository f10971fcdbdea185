import type { RunView } from '@laneflow/core';
import { memo } from 'react';
import { type EventKind, kindStyles, type TimelineFilter } from './events.ts';

const toggleable: EventKind[] = ['escalation', 'confidence', 'approval'];

interface Props {
  view: RunView;
  /** Bump to refresh the node list of a view that mutates in place. */
  rev: number;
  filter: TimelineFilter;
  onChange: (f: TimelineFilter) => void;
  shown: number;
}

/** Kind toggles (which double as the axis legend), all-signals toggle, node picker, text search. */
export const TimelineFilters = memo(({ view, filter, onChange, shown }: Props) => {
  // A chip shows its kind: from all of them, only that one; the last one left, all again; in
  // between, it adds or removes its kind.
  const toggle = (k: EventKind) => {
    const all = toggleable.every((x) => filter.kinds.has(x));
    const onlyThis = filter.kinds.size === 1 && filter.kinds.has(k);
    const kinds = new Set(all ? [k] : onlyThis ? toggleable : filter.kinds);
    if (!all && !onlyThis) {
      if (kinds.has(k)) kinds.delete(k);
      else kinds.add(k);
    }
    onChange({ ...filter, kinds });
  };
  return (
    <div className="lf-tfilters" role="toolbar" aria-label="Timeline filters">
      {toggleable.map((k) => (
        <button
          key={k}
          type="button"
          className="lf-chip"
          aria-pressed={filter.kinds.has(k)}
          style={{ borderColor: kindStyles[k].color, opacity: filter.kinds.has(k) ? 1 : 0.5 }}
          onClick={() => toggle(k)}
        >
          <span style={{ color: kindStyles[k].color }}>{kindStyles[k].glyph}</span>
          {kindStyles[k].label}
        </button>
      ))}
      <label className="lf-chip">
        <input
          type="checkbox"
          checked={filter.allSignals}
          onChange={(e) => onChange({ ...filter, allSignals: e.target.checked })}
        />
        All signals
      </label>
      <select
        aria-label="Node"
        value={filter.nodeId ?? ''}
        onChange={(e) => onChange({ ...filter, nodeId: e.target.value || undefined })}
      >
        <option value="">All nodes</option>
        {[...view.nodes.values()].map((n) => (
          <option key={n.id} value={n.id}>
            {n.label ?? n.id}
          </option>
        ))}
      </select>
      <input
        type="search"
        aria-label="Search events"
        placeholder="Search…"
        value={filter.text}
        onChange={(e) => onChange({ ...filter, text: e.target.value })}
      />
      <span className="lf-muted" data-testid="timeline-count">
        {shown} shown
      </span>
    </div>
  );
});
TimelineFilters.displayName = 'TimelineFilters';
