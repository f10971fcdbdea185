import { dagEconomics, defaultLadder, emptyTierStats } from '@laneflow/core';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { EconomicsView } from '../src/economics/economics-page.tsx';

// The charts' chunk cannot be fetched (a redeploy removed it): the import fails.
vi.mock('../src/economics/economics-charts.tsx', () => {
  throw new Error('chunk gone');
});

afterEach(cleanup);

it('a chart that cannot load leaves the page and its table', async () => {
  const history = {
    a: {
      workHash: 'a',
      runs: 1,
      totalRuns: 1,
      tiers: { small: { ...emptyTierStats(), runs: 1, passes: 1 } },
    },
  };
  render(
    <EconomicsView
      economics={dagEconomics(
        'd',
        history,
        [],
        defaultLadder.map((t) => t.name),
      )}
    />,
  );
  // The failed import settles when the module graph has been tried: slow on a busy machine.
  const notShown = await screen.findAllByText(/^The chart could not be shown/, {}, { timeout: 15_000 });
  expect(notShown.length).toBeGreaterThan(0);
  expect(screen.getByTestId('pass-a').textContent).toContain('100% (1 of 1 recent');
});
