import { type Lane, laneStyles } from '@laneflow/core';

/** Each lane's icon as an SVG path in a 24×24 box; the canvas renderer draws the same shapes. */
export const laneIconPaths: Record<Lane, string> = {
  queued: 'M12 6v6l4 2M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z',
  running: 'M12 2a10 10 0 1 0 10 10',
  awaiting_approval:
    'M7 11V6a1.5 1.5 0 0 1 3 0v4m0-5a1.5 1.5 0 0 1 3 0v5m0-4a1.5 1.5 0 0 1 3 0v6m-9-2.5a1.5 1.5 0 0 0-3 0V14a8 8 0 0 0 8 8h1a7 7 0 0 0 7-7v-3',
  succeeded: 'M20 6 9 17l-5-5',
  failed: 'M18 6 6 18M6 6l12 12',
  escalated: 'M12 19V5M5 12l7-7 7 7',
  skipped: 'M5 4l10 8-10 8V4zM19 5v14',
  cancelled: 'M4.9 4.9l14.2 14.2M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z',
};

/** The lane's icon: colour is never the only cue. */
export const LaneIcon = ({ lane, size = 14 }: { lane: Lane; size?: number }) => (
  <svg
    width={size}
    height={size}
    viewBox="0 0 24 24"
    fill="none"
    stroke={laneStyles[lane].color}
    strokeWidth={2.5}
    strokeLinecap="round"
    strokeLinejoin="round"
    className={lane === 'running' ? 'lf-spin' : undefined}
    data-icon={laneStyles[lane].icon}
    role="img"
    aria-label={laneStyles[lane].label}
  >
    <path d={laneIconPaths[lane]} />
  </svg>
);
