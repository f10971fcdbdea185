import { apply, projectRun, type RunView, type Signal } from '@laneflow/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

export interface Replay {
  /** Signals shown (0..total), or undefined when not replaying: show the live view. */
  position: number | undefined;
  total: number;
  playing: boolean;
  speed: number;
  /** The run as it was after `position` signals; undefined when not replaying. */
  view: RunView | undefined;
  /** The recorded signals up to `position`. */
  signals: readonly Signal[] | undefined;
  /** Version of `view` (it is advanced in place while playing forwards). */
  rev: number;
  seek(position: number): void;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  exit(): void;
}

/**
 * Re-projects a finished run's recorded signals up to a position — no re-execution. Moving forwards
 * applies only the new signals to the current view (apply is O(1) per signal and every prefix equals
 * the batch fold); moving backwards folds `signals.slice(0, k)` afresh.
 */
export const createReplayProjector = (signals: readonly Signal[]) => {
  let view: RunView | undefined;
  let k = 0;
  return (to: number): RunView => {
    if (!view || to < k) {
      view = projectRun(signals.slice(0, to));
      k = to;
    }
    for (; k < to; k++) apply(view, signals[k] as Signal);
    return view;
  };
};

/** Signals per second at speed 1: a whole run replays in about 15 s, short runs at 4 signals a second. */
const baseRate = (total: number) => Math.max(4, total / 15);

export const useReplay = (signals: readonly Signal[], total: number, enabled: boolean): Replay => {
  const [position, setPosition] = useState<number>();
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new projector when the recording changes.
  const project = useMemo(() => createReplayProjector(signals), [signals, total]);
  const active = enabled && position !== undefined;
  const view = active ? project(Math.min(position, total)) : undefined;
  const sliced = useMemo(
    () => (active ? signals.slice(0, Math.min(position, total)) : undefined),
    [active, position, signals, total],
  );

  const pos = useRef(0);
  // Restarts only on play/pause and speed; `position` is read once, then advanced by the loop.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above.
  useEffect(() => {
    if (!playing || !active) return;
    let last = performance.now();
    let frame = 0;
    pos.current = position ?? 0;
    const tick = (now: number) => {
      pos.current = Math.min(total, pos.current + ((now - last) / 1000) * baseRate(total) * speed);
      last = now;
      setPosition(Math.floor(pos.current));
      if (pos.current >= total) setPlaying(false);
      else frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, active, speed, total]);

  const seek = useCallback(
    (p: number) => {
      setPlaying(false);
      setPosition(Math.max(0, Math.min(total, Math.round(p))));
    },
    [total],
  );
  const play = useCallback(() => {
    setPosition((p) => (p === undefined || p >= total ? 0 : p));
    setPlaying(true);
  }, [total]);
  const pause = useCallback(() => setPlaying(false), []);
  const exit = useCallback(() => {
    setPlaying(false);
    setPosition(undefined);
  }, []);

  return {
    position: active ? position : undefined,
    total,
    playing: playing && active,
    speed,
    view,
    signals: sliced,
    rev: view ? view.rev : 0,
    seek,
    play,
    pause,
    setSpeed,
    exit,
  };
};
