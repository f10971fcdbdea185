import type { Signal } from '@laneflow/core';
import { memo } from 'react';
import { formatMs } from '../ui/format.ts';
import { describe, kindOf, kindStyles, nodeIdOf } from './events.ts';

interface Props {
  signal: Signal;
  /** Run start (ms since epoch), for the relative time. */
  start: number;
  nodeLabel: string | undefined;
  selected: boolean;
  onSelect: (s: Signal) => void;
}

/** One timeline event: when, what kind (colour and glyph), which node, what happened. Text only. */
export const TimelineRow = memo(({ signal, start, nodeLabel, selected, onSelect }: Props) => {
  const kind = kindStyles[kindOf(signal)];
  const text = describe(signal);
  const nodeId = nodeIdOf(signal);
  return (
    <button
      type="button"
      className={`lf-trow${selected ? ' selected' : ''}`}
      aria-pressed={selected}
      data-seq={signal.seq}
      data-kind={kindOf(signal)}
      title={text}
      onClick={() => onSelect(signal)}
    >
      <span className="lf-trow-time">+{formatMs(Math.max(0, Date.parse(signal.at) - start))}</span>
      <span className="lf-trow-kind" style={{ color: kind.color }} aria-hidden="true">
        {kind.glyph}
      </span>
      <span className="lf-sr-only">{kind.label}</span>
      <span className="lf-trow-type">{signal.type}</span>
      <span className="lf-trow-node">{nodeId === undefined ? 'run' : (nodeLabel ?? nodeId)}</span>
      <span className="lf-trow-text">{text}</span>
    </button>
  );
});
TimelineRow.displayName = 'TimelineRow';
