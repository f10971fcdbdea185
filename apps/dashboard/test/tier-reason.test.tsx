import { defaultLadder, type TierReason } from '@laneflow/core';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TierReasonText } from '../src/inspector/tier-reason.tsx';

afterEach(cleanup);

const reason = (over: Partial<TierReason>): TierReason => ({
  policy: 'expected-cost',
  configured: 0,
  best: 1,
  chosen: 1,
  explored: false,
  cold: false,
  runs: 9,
  minRuns: 5,
  history: {
    '0': { runs: 9, passes: 1, passRate: 0.18, meanCostUsd: 0.004 },
    '1': { runs: 3, passes: 3, passRate: 0.8, meanCostUsd: 0.004 },
  },
  expectedCostUsd: { '0': 0.011, '1': 0.004 },
  ...over,
});

const show = (r: TierReason) =>
  render(
    <dl>
      <TierReasonText reason={r} ladder={defaultLadder} />
    </dl>,
  );

describe('inspector: where a node started and why', () => {
  it('words the choice as core does', () => {
    show(reason({}));
    expect(screen.getByTestId('node-tier-reason').textContent).toBe(
      'started at medium: small passed the gate in 1 of 9 recent runs; expected $0.004 vs $0.011',
    );
    expect(screen.queryByTestId('node-tier-explored')).toBeNull();
  });

  it('marks a start one tier below the best as explored', () => {
    show(reason({ chosen: 0, explored: true }));
    expect(screen.getByTestId('node-tier-reason').textContent).toMatch(
      /^started at small to explore, one below medium/,
    );
    expect(screen.getByTestId('node-tier-explored').textContent).toBe('explored');
  });
});
