import { memo } from 'react';

const GREEN = '#16a34a';
const RED = '#dc2626';
const NEUTRAL = '#64748b';

interface BarProps {
  label: string;
  value: number;
  target: number | undefined;
}

/** One category: a horizontal bar with the target line; green at or above target, red below. */
const RatingBar = ({ label, value, target }: BarProps) => {
  const passed = target === undefined ? undefined : value >= target;
  const color = passed === undefined ? NEUTRAL : passed ? GREEN : RED;
  const clamp = (n: number) => Math.max(0, Math.min(1, n)) * 100;
  return (
    <div className="lf-rating" data-testid={`rating-${label}`} data-passed={passed}>
      <span className="lf-rating-label">{label}</span>
      {/* The bar is a picture of the numbers next to it; screen readers get the words. */}
      <div className="lf-rating-track" aria-hidden="true">
        <div
          className="lf-rating-fill"
          data-testid="rating-fill"
          style={{ width: `${clamp(value)}%`, background: color }}
        />
        {target !== undefined && (
          <div
            className="lf-rating-target"
            data-testid="rating-target"
            style={{ left: `${clamp(target)}%` }}
            title={`target ${target.toFixed(2)}`}
          />
        )}
      </div>
      <span className="lf-rating-value" style={{ color }}>
        {value.toFixed(2)}
        {passed !== undefined && <span aria-hidden="true">{passed ? ' ✓' : ' ✗'}</span>}
      </span>
      {passed !== undefined && (
        <span className="lf-sr-only">{passed ? 'meets the target' : 'below the target'}</span>
      )}
    </div>
  );
};

/** Confidence ratings per category against the gate's target (the target line and number shown). */
export const RatingBars = memo(
  ({ ratings, target, overall }: { ratings: Record<string, number>; target?: number; overall?: number }) => (
    <figure className="lf-ratings" aria-label="Confidence ratings">
      {target !== undefined && <div className="lf-muted">target {target.toFixed(2)}</div>}
      {Object.entries(ratings).map(([category, value]) => (
        <RatingBar key={category} label={category} value={value} target={target} />
      ))}
      {overall !== undefined && <RatingBar label="overall" value={overall} target={target} />}
    </figure>
  ),
);
RatingBars.displayName = 'RatingBars';
