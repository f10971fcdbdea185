import { type Lane, laneStyles, lanes } from '@laneflow/core';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Legend } from '../src/run/legend.tsx';
import { scenario } from './fixtures.tsx';

afterEach(cleanup);

describe('Legend', () => {
  it('shows every lane with its icon, name and the count of a view', () => {
    const { view } = scenario();
    render(<Legend counts={view.counts} />);
    for (const lane of lanes) {
      expect(screen.getByTestId(`count-${lane}`).textContent).toBe(String(view.counts[lane]));
      const item = screen.getByTestId(`count-${lane}`).closest('li') as HTMLElement;
      expect(item.textContent).toContain(laneStyles[lane].label);
      expect(item.querySelector('svg')?.getAttribute('data-icon')).toBe(laneStyles[lane].icon);
    }
    // draft escalated, draft@2 succeeded, review awaiting approval, notify skipped.
    expect(view.counts).toMatchObject({
      escalated: 1,
      succeeded: 1,
      awaiting_approval: 1,
      skipped: 1,
      queued: 0,
    });
  });

  it('updates when the counts change', () => {
    const counts = Object.fromEntries(lanes.map((l, i) => [l, i * 3])) as Record<Lane, number>;
    const { rerender } = render(<Legend counts={counts} />);
    expect(screen.getByTestId('count-failed').textContent).toBe('12');
    rerender(<Legend counts={{ ...counts, failed: 99 }} />);
    expect(screen.getByTestId('count-failed').textContent).toBe('99');
  });
});
