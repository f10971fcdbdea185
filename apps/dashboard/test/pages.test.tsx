import type { DagSpecInput } from '@laneflow/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InboxPage } from '../src/approvals/inbox-page.tsx';
import { localTransport } from '../src/connection/store.ts';
import { RunsPage } from '../src/runs/runs-page.tsx';
import { XSS } from './fixtures.tsx';

/** Text a user cannot see: inside a hidden or aria-hidden subtree. */
const SHOWN_NOT = '[hidden], [aria-hidden="true"]';

afterEach(cleanup);

const wrap = (ui: ReactNode) =>
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      {ui}
    </QueryClientProvider>,
  );

const quick = {
  id: 'quick',
  name: 'Quick',
  nodes: [{ id: 't', kind: 'transform', mapping: { x: 1 } }],
  edges: [],
} as unknown as DagSpecInput;
const gated = {
  id: 'gated',
  name: 'Gated',
  inputs: { note: XSS },
  nodes: [
    { id: 'prep', kind: 'transform', mapping: { html: '{{inputs.note}}' } },
    { id: 'ok', kind: 'approval', label: 'Sign-off', prompt: `Ship ${XSS}?` },
  ],
  edges: [{ source: 'prep', target: 'ok' }],
} as unknown as DagSpecInput;

let quickId = '';
let gatedId = '';
beforeAll(async () => {
  const t = localTransport();
  quickId = (await t.startRun({ dag: quick as never })).runId;
  gatedId = (await t.startRun({ dag: gated as never })).runId;
  await waitFor(async () => {
    const runs = (await t.listRuns()).runs;
    expect(runs.find((r) => r.id === quickId)?.status).toBe('succeeded');
    expect((await t.approvals('pending')).some((a) => a.runId === gatedId)).toBe(true);
  });
});

describe('Runs list', () => {
  it('lists local runs with status (awaiting approval too), cost, escalations and nodes; filters by status; opens on click', async () => {
    wrap(<RunsPage />);
    const local = within(await screen.findByTestId('runs-local'));
    await waitFor(() => expect(local.getAllByRole('row')).toHaveLength(3));
    const row = within(screen.getByTestId(`run-${quickId}`));
    expect(row.getByText('Quick').closest(SHOWN_NOT)).toBeNull();
    expect(row.getByText('succeeded').closest(SHOWN_NOT)).toBeNull();
    expect(row.getByText('$0.0000').closest(SHOWN_NOT)).toBeNull();
    expect(screen.getByText('Not connected to a server.', { exact: false }).closest(SHOWN_NOT)).toBeNull();
    // A run blocked on a person says so, not "running".
    const gatedRow = within(screen.getByTestId(`run-${gatedId}`));
    await waitFor(() => expect(gatedRow.getByText('awaiting approval').closest(SHOWN_NOT)).toBeNull());
    expect(gatedRow.queryByText('running')).toBeNull();

    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'succeeded' } });
    await waitFor(() => expect(screen.queryByTestId(`run-${gatedId}`)).toBeNull());
    expect(screen.getByTestId(`run-${quickId}`).textContent).toContain('succeeded');

    fireEvent.click(screen.getByTestId(`run-${quickId}`));
    expect(window.location.hash).toBe(`#/run/local/${quickId}`);
    expect(row.getByRole('link', { name: 'Quick' }).getAttribute('href')).toBe(`#/run/local/${quickId}`);
  });
});

describe('Approvals inbox', () => {
  it('lists pending approvals by DAG, node label and wait, prompt and payload as text, and decides with a comment', async () => {
    const { container } = wrap(<InboxPage />);
    const item = within(await screen.findByLabelText('Approval for ok'));
    expect(item.getByText(`Ship ${XSS}?`).closest(SHOWN_NOT)).toBeNull();
    // Named by the DAG and the node's label, with how long it has waited.
    await waitFor(() =>
      expect(item.getByRole('link', { name: 'Gated' }).getAttribute('href')).toBe(`#/run/local/${gatedId}`),
    );
    expect(item.getByTestId('approval-node').textContent).toBe('Sign-off');
    expect(item.getByTestId('approval-waited').textContent).toMatch(/^waiting \d/);
    expect(container.querySelector('img')).toBeNull();
    fireEvent.change(item.getByRole('textbox', { name: 'Comment' }), { target: { value: 'ship it' } });
    fireEvent.click(item.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(screen.queryByLabelText('Approval for ok')).toBeNull());
    const decided = (await localTransport().approvals('approved')).find((a) => a.runId === gatedId);
    expect(decided).toMatchObject({ status: 'approved', comment: 'ship it' });
  });
});
