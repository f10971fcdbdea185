import { projectRun, type Signal } from '@laneflow/core';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useSelection } from '../src/run/selection.ts';
import { bucketEvents } from '../src/timeline/time-axis.tsx';
import { Timeline } from '../src/timeline/timeline.tsx';
import { VirtualList, visibleRange } from '../src/ui/virtual-list.tsx';
import { recorder, resetSelection, scenario } from './fixtures.tsx';

/** Text a user cannot see: inside a hidden or aria-hidden subtree. */
const SHOWN_NOT = '[hidden], [aria-hidden="true"]';

afterEach(cleanup);
beforeEach(resetSelection);

const rows = () => [...document.querySelectorAll<HTMLElement>('.lf-trow')];
const kinds = () => rows().map((r) => r.dataset.kind);
const count = () => Number(screen.getByTestId('timeline-count').textContent?.split(' ')[0]);

describe('Timeline filters', () => {
  it('shows escalation, confidence-gate and approval events by default, in seq order', () => {
    const { view, signals } = scenario({ decided: true });
    render(<Timeline view={view} signals={signals} />);
    const expected = view.escalations.length + view.confidence.length + view.approvals.length;
    expect(count()).toBe(expected);
    expect(rows()).toHaveLength(expected);
    expect(new Set(kinds())).toEqual(new Set(['escalation', 'confidence', 'approval']));
    const seqs = rows().map((r) => Number(r.dataset.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('filters by kind: a chip shows only its kind, another adds its own, the last one left shows all', async () => {
    const { view, signals } = scenario({ decided: true });
    render(<Timeline view={view} signals={signals} />);
    const toolbar = within(screen.getByRole('toolbar', { name: 'Timeline filters' }));
    const chip = (name: RegExp) => toolbar.getByRole('button', { name });
    fireEvent.click(chip(/Escalation/));
    await waitFor(() => expect(kinds().every((k) => k === 'escalation')).toBe(true));
    expect(rows()).toHaveLength(view.escalations.length);
    expect(chip(/Approval/).getAttribute('aria-pressed')).toBe('false');
    expect(chip(/Escalation/).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(chip(/Approval/));
    await waitFor(() => expect(new Set(kinds())).toEqual(new Set(['escalation', 'approval'])));
    fireEvent.click(chip(/Approval/));
    fireEvent.click(chip(/Escalation/));
    await waitFor(() => expect(new Set(kinds())).toEqual(new Set(['escalation', 'confidence', 'approval'])));
    expect(chip(/Confidence/).getAttribute('aria-pressed')).toBe('true');
  });

  it('shows every signal on the All signals toggle', async () => {
    const { view, signals } = scenario();
    render(<Timeline view={view} signals={signals} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'All signals' }));
    await waitFor(() => expect(count()).toBe(signals.length));
    expect(kinds()).toContain('other');
  });

  it('filters by node', async () => {
    const { view, signals } = scenario({ decided: true });
    render(<Timeline view={view} signals={signals} />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Node' }), { target: { value: 'review' } });
    await waitFor(() => expect(count()).toBe(view.approvals.length));
    expect(kinds().every((k) => k === 'approval')).toBe(true);
    expect(rows().every((r) => r.textContent?.includes('Review'))).toBe(true);
  });

  it('filters by text, matching types, node labels and descriptions', async () => {
    const { view, signals } = scenario({ decided: true });
    render(<Timeline view={view} signals={signals} />);
    const search = screen.getByRole('searchbox', { name: 'Search events' });
    fireEvent.change(search, { target: { value: 'higher_tier' } });
    await waitFor(() => expect(count()).toBe(1));
    expect(rows()[0]?.dataset.seq).toBe(String(signals.find((s) => s.type === 'node.escalated')?.seq));
    fireEvent.change(search, { target: { value: 'by alice' } });
    await waitFor(() =>
      expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining('approved by alice')]),
    );
    fireEvent.change(search, { target: { value: 'no such thing' } });
    await waitFor(() =>
      expect(screen.getByText('No events match the filters.').closest(SHOWN_NOT)).toBeNull(),
    );
  });

  it('selects an event and its node on click, and moves with the arrow keys', async () => {
    const { view, signals } = scenario();
    render(<Timeline view={view} signals={signals} />);
    const escalated = signals.find((s) => s.type === 'node.escalated') as Signal;
    const row = rows().find((r) => r.dataset.seq === String(escalated.seq)) as HTMLElement;
    fireEvent.click(row);
    expect(useSelection.getState()).toMatchObject({ seq: escalated.seq, nodeId: 'draft' });
    await waitFor(() => expect(row.getAttribute('aria-pressed')).toBe('true'));
    fireEvent.keyDown(row, { key: 'ArrowDown' });
    const next = rows()[rows().indexOf(row) + 1] as HTMLElement;
    expect(useSelection.getState().seq).toBe(Number(next.dataset.seq));
  });

  it('draws the time axis strip', () => {
    const { view, signals } = scenario();
    render(<Timeline view={view} signals={signals} />);
    expect(screen.getByTestId('time-axis').getAttribute('aria-label')).toMatch(/events over/);
  });
});

describe('VirtualList', () => {
  it('renders only a window of 50,000 rows and follows the scroll', () => {
    render(
      <VirtualList
        count={50_000}
        rowHeight={20}
        height={200}
        overscan={3}
        renderRow={(i) => <span data-row={i}>row {i}</span>}
      />,
    );
    const visible = () =>
      [...document.querySelectorAll<HTMLElement>('[data-row]')].map((r) => Number(r.dataset.row));
    expect(visible().length).toBeLessThan(30);
    expect(visible()[0]).toBe(0);
    const list = screen.getByRole('list');
    expect(list.style.height).toBe(`${50_000 * 20}px`);
    const scroller = screen.getByTestId('virtual-list');
    act(() => {
      scroller.scrollTop = 500_000;
      fireEvent.scroll(scroller);
    });
    expect(visible()).toContain(25_000);
    expect(visible()).not.toContain(0);
    expect(visible().length).toBeLessThan(30);
    const item = within(list).getByText('row 25000').closest('li') as HTMLElement;
    expect(item.style.top).toBe(`${25_000 * 20}px`);
    expect(item.getAttribute('aria-setsize')).toBe('50000');
  });

  it('computes the visible range with overscan, clamped to the list', () => {
    expect(visibleRange(0, 100, 10, 1000, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(5000, 100, 10, 1000, 5)).toEqual({ start: 495, end: 515 });
    expect(visibleRange(9950, 100, 10, 1000, 5)).toEqual({ start: 990, end: 1000 });
  });

  it('keeps a timeline of 50,000 events to a window of rows', async () => {
    const { signals, push } = recorder('big');
    push('run.started', {
      ladder: [{ name: 's', provider: 'sim', model: 'm', costPer1kInput: 0, costPer1kOutput: 0 }],
    });
    for (let i = 0; i < 50_000; i++)
      push('confidence.rated', {
        nodeId: `n${i % 50}`,
        attempt: 1,
        ratings: { correctness: (i % 100) / 100 },
        overall: (i % 100) / 100,
        target: 0.95,
        passed: i % 100 >= 95,
        round: 1,
      });
    const view = projectRun(signals);
    render(<Timeline view={view} signals={signals} />);
    expect(count()).toBe(50_000);
    expect(rows().length).toBeGreaterThan(0);
    expect(rows().length).toBeLessThan(40);
    fireEvent.change(screen.getByRole('combobox', { name: 'Node' }), { target: { value: 'n7' } });
    await waitFor(() => expect(count()).toBe(1000));
    expect(rows().length).toBeLessThan(40);
  });
});

describe('time axis aggregation', () => {
  it('counts events per pixel column and kind, only inside the window', () => {
    const times = new Float64Array([0, 1, 2, 50, 99, 150]);
    const kindsArr = new Uint8Array([0, 0, 1, 2, 3, 0]);
    const { counts, max } = bucketEvents(times, kindsArr, 0, 100, 10);
    expect(counts[0]?.[0]).toBe(2);
    expect(counts[1]?.[0]).toBe(1);
    expect(counts[2]?.[5]).toBe(1);
    expect(counts[3]?.[9]).toBe(1);
    expect(max).toBe(2);
    // 150 is outside the window.
    expect(counts.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0)).toBe(5);
  });
});
