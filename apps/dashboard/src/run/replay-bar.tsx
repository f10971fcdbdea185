import type { Signal } from '@laneflow/core';
import { formatMs } from '../ui/format.ts';
import type { Replay } from './use-replay.ts';

const speeds = [1, 4, 16];

/**
 * The scrubber of a finished run: drag (or arrow-key) through its recorded signals, or play them back;
 * the graph, legend, inspector and timeline show the run as it was at that point.
 */
export const ReplayBar = ({ replay, signals }: { replay: Replay; signals: readonly Signal[] }) => {
  const { position, total, playing } = replay;
  const at = position ?? total;
  const first = signals[0];
  const current = signals[Math.max(0, at - 1)];
  const offset =
    first && current && at > 0
      ? formatMs(Math.max(0, Date.parse(current.at) - Date.parse(first.at)))
      : '0 ms';
  return (
    <section className="lf-replay" aria-label="Replay" data-testid="replay-bar">
      <button
        type="button"
        aria-label={playing ? 'Pause replay' : 'Play replay'}
        onClick={playing ? replay.pause : replay.play}
      >
        <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" fill="currentColor">
          {playing ? <path d="M2 1h3v10H2zM7 1h3v10H7z" /> : <path d="M2 1l9 5-9 5z" />}
        </svg>
      </button>
      <input
        type="range"
        aria-label="Replay position"
        min={0}
        max={total}
        step={1}
        value={at}
        onChange={(e) => replay.seek(Number(e.target.value))}
      />
      <span className="lf-muted" data-testid="replay-position">
        {at} / {total} · +{offset}
      </span>
      <select
        aria-label="Replay speed"
        value={replay.speed}
        onChange={(e) => replay.setSpeed(Number(e.target.value))}
      >
        {speeds.map((s) => (
          <option key={s} value={s}>
            {s}×
          </option>
        ))}
      </select>
      {position !== undefined ? (
        <button type="button" onClick={replay.exit}>
          Exit replay
        </button>
      ) : (
        <span className="lf-muted">replay</span>
      )}
    </section>
  );
};
