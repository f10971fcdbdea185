import { defaultLadder, projectRun } from '@laneflow/core';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Inspector } from '../src/inspector/inspector.tsx';
import { useSelection } from '../src/run/selection.ts';
import { dag, Providers, recorder, resetSelection } from './fixtures.tsx';

afterEach(cleanup);
beforeEach(resetSelection);

/** `review` (an approval node) waits 5 s, then ops rejects it with a comment. */
const rejectedReview = () => {
  const { signals, push } = recorder();
  push('run.started', { dagId: 'demo', ladder: defaultLadder });
  push('node.queued', { nodeId: 'review', attempt: 1, tier: 0, label: 'Review' });
  // As the executor runs an approval node: no node.started, it waits from the start.
  const asked = push('node.awaiting_approval', {
    nodeId: 'review',
    attempt: 1,
    approvalId: 'ap1',
    prompt: 'Ship it?',
  });
  const decidedAt = new Date(Date.parse(asked.at) + 5000).toISOString();
  signals.push({
    type: 'approval.decided',
    runId: 'run-1',
    seq: signals.length + 1,
    at: decidedAt,
    nodeId: 'review',
    attempt: 1,
    approvalId: 'ap1',
    decision: 'rejected',
    by: 'ops',
    comment: 'too thin',
  } as never);
  signals.push({
    type: 'node.failed',
    runId: 'run-1',
    seq: signals.length + 1,
    at: decidedAt,
    nodeId: 'review',
    attempt: 1,
    error: { code: 'rejected', message: 'rejected: too thin' },
    elapsedMs: 0,
    willRetry: false,
  } as never);
  return { view: projectRun(signals), signals };
};

describe('Inspector: an approval node', () => {
  it('shows how long the person took and who rejected it, in plain words; no tier, no error code', () => {
    const { view, signals } = rejectedReview();
    render(
      <Providers>
        <Inspector dag={dag} view={view} signals={signals} />
      </Providers>,
    );
    act(() => useSelection.getState().selectNode('review'));
    const details = screen.getByTestId('node-details');
    expect(screen.getByTestId('node-waited').textContent).toBe('5.0 s');
    expect(screen.queryByTestId('node-tier')).toBeNull();
    expect(screen.queryByTestId('node-elapsed')).toBeNull();
    expect(screen.getByTestId('node-decision').textContent).toMatch(
      /^rejected by ops at [\d:.]+: “too thin”$/,
    );
    expect(details.textContent).not.toContain('rejected: too thin');
    expect(details.textContent).not.toContain('Error');
  });
});
