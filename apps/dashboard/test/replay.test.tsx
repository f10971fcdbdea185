import { type DagSpecInput, lanes, projectRun } from '@laneflow/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTransport } from '../src/connection/store.ts';
import { RunPage } from '../src/run/run-page.tsx';
import { createReplayProjector } from '../src/run/use-replay.ts';
import { resetSelection, scenario } from './fixtures.tsx';

afterEach(cleanup);
beforeEach(resetSelection);

describe('replay projector', () => {
  it('equals projectRun(signals.slice(0, k)) at every position, forwards and backwards', () => {
    const { signals } = scenario({ decided: true });
    const project = createReplayProjector(signals);
    const order = [0, 3, 4, 10, signals.length, 2, 7, 7, 1, signals.length - 1, 5];
    for (const k of order) expect(project(k)).toEqual(projectRun(signals.slice(0, k)));
  });
});

const dag: DagSpecInput = {
  id: 'replay-demo',
  name: 'Replay demo',
  nodes: [
    {
      id: 'a',
      kind: 'llm',
      label: 'Answer',
      prompt: 'Answer.',
      gate: { target: 0.9, maxTries: 1 },
      sim: {
        latencyMs: 1,
        confidence: 0.5,
        answer: 'cheap',
        tiers: { medium: { latencyMs: 1, confidence: 0.97, answer: 'better' } },
      },
    },
    { id: 'b', kind: 'transform', label: 'Wrap', mapping: { answer: '{{a}}' } },
  ],
  edges: [{ source: 'a', target: 'b' }],
} as unknown as DagSpecInput;

describe('run page replay', () => {
  it('scrubs a finished run through its recorded signals', async () => {
    const { runId } = await localTransport().startRun({ dag: dag as never });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <RunPage mode="local" runId={runId} />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('run-status').dataset.status).toBe('succeeded'), {
      timeout: 10_000,
    });
    const slider = await screen.findByRole('slider', { name: 'Replay position' });
    const total = Number(slider.getAttribute('max'));
    expect(total).toBeGreaterThan(5);
    const final = Object.fromEntries(lanes.map((l) => [l, screen.getByTestId(`count-${l}`).textContent]));
    expect(final.escalated).toBe('1');

    // Back to the start: nothing has happened yet.
    act(() => {
      fireEvent.change(slider, { target: { value: '0' } });
    });
    await waitFor(() => expect(screen.getByTestId('run-status').dataset.status).toBe('pending'));
    for (const l of lanes) expect(screen.getByTestId(`count-${l}`).textContent).toBe('0');
    expect(screen.getByTestId('replay-position').textContent).toContain(`0 / ${total}`);

    // Part way: the run is running, nothing escalated yet after the first few signals.
    act(() => {
      fireEvent.change(slider, { target: { value: '3' } });
    });
    await waitFor(() => expect(screen.getByTestId('run-status').dataset.status).toBe('running'));
    expect(screen.getByTestId('count-escalated').textContent).toBe('0');

    // The end equals the live view; exiting returns to it.
    act(() => {
      fireEvent.change(slider, { target: { value: String(total) } });
    });
    await waitFor(() => expect(screen.getByTestId('run-status').dataset.status).toBe('succeeded'));
    for (const l of lanes) expect(screen.getByTestId(`count-${l}`).textContent).toBe(final[l]);
    fireEvent.click(screen.getByRole('button', { name: 'Exit replay' }));
    expect(screen.queryByRole('button', { name: 'Exit replay' })).toBeNull();
  });
});
