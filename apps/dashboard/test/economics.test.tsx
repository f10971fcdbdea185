import {
  type DagEconomics,
  dagEconomics,
  defaultLadder,
  emptyTierStats,
  type TierStats,
} from '@laneflow/core';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  costSeries,
  costTotals,
  escalationRows,
  paidTiers,
  passRows,
  triedTiers,
} from '../src/economics/economics-data.ts';
import { EconomicsView } from '../src/economics/economics-page.tsx';
import { hrefFor, parseRoute } from '../src/route.ts';

afterEach(cleanup);

const stats = (s: Partial<TierStats>): TierStats => ({ ...emptyTierStats(), ...s });

/** `hard` fails at small and escalates, passes at medium; `easy` passes at small. Two runs. */
const economics: DagEconomics = dagEconomics(
  'essay',
  {
    easy: {
      workHash: 'e',
      runs: 3,
      totalRuns: 3,
      tiers: { small: stats({ runs: 3, passes: 3, costUsd: 0.003 }) },
    },
    hard: {
      workHash: 'h',
      runs: 3,
      totalRuns: 3,
      tiers: {
        small: stats({
          runs: 2,
          passes: 0,
          rounds: 4,
          escalations: 2,
          triggers: { low_confidence: 1.5, error: 0.5 },
        }),
        medium: stats({ runs: 3, passes: 3, rounds: 3, costUsd: 0.03 }),
      },
    },
  },
  [
    {
      runId: 'r1',
      endedAt: '2026-01-01T00:00:00.000Z',
      status: 'succeeded',
      costUsd: 0.03,
      costByTier: { small: 0.01, medium: 0.02 },
      topTierCostUsd: 0.12,
      policySavingUsd: 0,
    },
    {
      runId: 'r2',
      endedAt: '2026-01-01T00:01:00.000Z',
      status: 'succeeded',
      costUsd: 0.02,
      costByTier: { medium: 0.02 },
      topTierCostUsd: 0.08,
      policySavingUsd: 0.01,
    },
  ],
  defaultLadder.map((t) => t.name),
);

describe('economics view: data shaping', () => {
  it('numbers the runs and fills every tier of the ladder; only tiers that cost are stacked', () => {
    expect(costSeries(economics).map((p) => [p.run, p.byTier])).toEqual([
      [1, { small: 0.01, medium: 0.02, large: 0, human: 0 }],
      [2, { small: 0, medium: 0.02, large: 0, human: 0 }],
    ]);
    expect(paidTiers(economics)).toEqual(['small', 'medium']);
    expect(triedTiers(economics)).toEqual(['small', 'medium']);
    expect(costTotals(economics)).toMatchObject({
      runs: 2,
      costUsd: 0.05,
      savedPct: 75,
      policySavingUsd: 0.01,
    });
  });

  it('pass rates in percent where a node ran; escalations most frequent first, with their triggers', () => {
    expect(passRows(economics)).toEqual([
      { nodeId: 'easy', totalRuns: 3, byTier: { small: 100 } },
      { nodeId: 'hard', totalRuns: 3, byTier: { small: 0, medium: 100 } },
    ]);
    expect(escalationRows(economics)).toEqual([
      expect.objectContaining({
        nodeId: 'hard',
        tier: 'small',
        ratePct: 100,
        triggers: [
          { trigger: 'low_confidence', count: 1.5 },
          { trigger: 'error', count: 0.5 },
        ],
      }),
    ]);
  });

  it('shows the summary and each chart’s numbers as a table', () => {
    render(<EconomicsView economics={economics} />);
    expect(screen.getByTestId('economics-summary').textContent).toContain(
      '2 finished runs cost $0.0500; all on the top tier they would have cost $0.2000 (75% saved)',
    );
    const cell = (tier: string) => screen.getByTestId('pass-hard').querySelector(`td[data-tier="${tier}"]`);
    expect(cell('small')?.textContent).toBe('0% (0 of 2 recent)');
    expect(cell('large')?.textContent).toBe('–');
    expect(screen.getByTestId('pass-hard').textContent).toContain('100% (3 of 3 recent)');
    // `easy` passed without a rated round: it has no gate, and the cell says so.
    expect(screen.getByTestId('pass-easy').querySelector('td[data-tier="small"]')?.textContent).toBe(
      '100% (3 of 3 recent; no gate)',
    );
    expect(screen.getByTestId('economics-escalation-table').textContent).toContain(
      'low_confidence 1.5, error 0.5',
    );
    expect(screen.getAllByRole('row', { name: /#\d/ })).toHaveLength(2);
  });

  it('has a route under the DAG library', () => {
    const route = { page: 'economics', where: 'local', dagId: 'a b' } as const;
    expect(hrefFor(route)).toBe('#/dags/local/a%20b/economics');
    expect(parseRoute(hrefFor(route))).toEqual(route);
  });
});
