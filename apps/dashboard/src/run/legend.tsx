import { type Lane, laneStyles, lanes } from '@laneflow/core';
import { LaneIcon } from '../lanes/lane-icon.tsx';

/** Every lane with its icon, name and live count. */
export const Legend = ({ counts }: { counts: Record<Lane, number> }) => (
  <ul className="lf-legend" aria-label="Lanes" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
    {lanes.map((lane) => (
      <li key={lane} className="lf-chip" data-lane={lane} style={{ borderColor: laneStyles[lane].color }}>
        <LaneIcon lane={lane} size={12} />
        <span>{laneStyles[lane].label}</span>
        <strong data-testid={`count-${lane}`}>{counts[lane]}</strong>
      </li>
    ))}
  </ul>
);
