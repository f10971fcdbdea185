import type { Signal } from '@laneflow/core';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Inspector } from '../src/inspector/inspector.tsx';
import { RatingBars } from '../src/inspector/rating-bars.tsx';
import { useSelection } from '../src/run/selection.ts';
import { JsonTree } from '../src/ui/json-tree.tsx';
import { dag, fakeTransport, Providers, resetSelection, sameColor, scenario, XSS } from './fixtures.tsx';

/** Text a user cannot see: inside a hidden or aria-hidden subtree. */
const SHOWN_NOT = '[hidden], [aria-hidden="true"]';

afterEach(cleanup);
beforeEach(resetSelection);

const renderInspector = (options: { decided?: boolean } = {}, transport = fakeTransport()) => {
  const { view, signals } = scenario(options);
  const utils = render(
    <Providers transport={transport}>
      <Inspector dag={dag} view={view} signals={signals} />
    </Providers>,
  );
  return { ...utils, view, signals, transport };
};

describe('Inspector: node details', () => {
  it('asks for a selection when nothing is selected', () => {
    renderInspector();
    expect(screen.getByText('Select a node or an event to inspect it.').closest(SHOWN_NOT)).toBeNull();
  });

  it('shows lane with icon, attempt, tier, timings, output and usage', () => {
    const { container } = renderInspector();
    act(() => useSelection.getState().selectNode('draft@2'));
    const details = screen.getByTestId('node-details');
    expect(details.dataset.lane).toBe('succeeded');
    expect(screen.getByTestId('node-lane').textContent).toBe('Succeeded');
    expect(screen.getByTestId('node-lane').style.color).toBe('var(--lane-text-succeeded)');
    expect(details.querySelector('svg[data-icon="check"]')).not.toBeNull();
    expect(screen.getByTestId('node-attempt').textContent).toBe('1');
    expect(screen.getByTestId('node-tier').textContent).toContain('medium');
    expect(screen.getByTestId('node-tier').textContent).toContain('sim-medium');
    expect(screen.getByTestId('node-elapsed').textContent).toBe('1.2 s');
    expect(screen.getByText('Started').closest(SHOWN_NOT)).toBeNull();
    expect(screen.getByTestId('node-usage').textContent).toContain('$0.01');
    // The escalation parent is a link.
    expect(screen.getByText('Escalated from').closest(SHOWN_NOT)).toBeNull();
    // The output is untrusted markup: shown as text, never parsed into elements.
    expect(screen.getByTestId('output-text').textContent).toBe(XSS);
    expect(container.querySelector('img')).toBeNull();
  });

  it('renders the rating of the last gate round against its target', () => {
    renderInspector();
    act(() => useSelection.getState().selectNode('draft'));
    const bars = within(screen.getAllByRole('figure', { name: 'Confidence ratings' }).at(-1) as HTMLElement);
    expect(bars.getByTestId('rating-correctness').dataset.passed).toBe('false');
    expect(bars.getByTestId('rating-completeness').dataset.passed).toBe('true');
    expect(bars.getByTestId('rating-overall').textContent).toContain('0.70');
  });

  it('shows the escalation lineage, root to child, each rung clickable', () => {
    renderInspector();
    act(() => useSelection.getState().selectNode('draft@2'));
    const lineage = within(screen.getByTestId('lineage'));
    const rungs = lineage.getAllByRole('button');
    expect(rungs.map((b) => b.textContent)).toEqual([
      expect.stringMatching(/Draft.*Escalated.*small/),
      expect.stringMatching(/Draft \(medium\).*Succeeded.*medium/),
    ]);
    expect(rungs[1]?.getAttribute('aria-current')).toBe('true');
    fireEvent.click(rungs[0] as HTMLElement);
    expect(useSelection.getState().nodeId).toBe('draft');
    expect(screen.getByTestId('node-lane').textContent).toBe('Escalated');
  });

  it('offers Approve/Reject (keyboard reachable) and shows the prompt and payload as text', () => {
    const { container, transport } = renderInspector();
    act(() => useSelection.getState().selectNode('review'));
    const approve = screen.getByRole('button', { name: 'Approve' });
    approve.focus();
    expect(document.activeElement).toBe(approve);
    expect(approve.tabIndex).toBe(0);
    expect(screen.getByText(`Publish this? ${XSS}`).closest(SHOWN_NOT)).toBeNull();
    expect(screen.getByText(JSON.stringify(XSS)).closest(SHOWN_NOT)).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    fireEvent.change(screen.getByRole('textbox', { name: 'Comment' }), { target: { value: 'fine' } });
    fireEvent.click(approve);
    expect(transport.decide).toHaveBeenCalledWith('run-1', 'ap-1', { decision: 'approved', comment: 'fine' });
  });

  it('says who decided', () => {
    renderInspector({ decided: true });
    act(() => useSelection.getState().selectNode('review'));
    expect(screen.getByTestId('node-decision').textContent).toMatch(/approved by alice at .*ok/);
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });
});

describe('Inspector: selected event', () => {
  const select = (signals: readonly Signal[], type: Signal['type'], nodeId?: string) => {
    const s = signals.find(
      (x) => x.type === type && (nodeId === undefined || ('nodeId' in x && x.nodeId === nodeId)),
    );
    act(() => useSelection.getState().selectEvent(s?.seq as number, nodeId));
    return s as Signal;
  };

  it('shows a confidence rating per category against the target', () => {
    const { signals } = renderInspector();
    select(signals, 'confidence.rated', 'draft');
    const event = within(screen.getByTestId('event-details'));
    expect(event.getByText('target 0.95').closest(SHOWN_NOT)).toBeNull();
    const correctness = event.getByTestId('rating-correctness');
    expect(correctness.textContent).toContain('0.70');
    expect(correctness.dataset.passed).toBe('false');
    expect(
      sameColor((within(correctness).getByTestId('rating-fill') as HTMLElement).style.background, '#dc2626'),
    ).toBe(true);
    expect(event.getByTestId('rating-completeness').dataset.passed).toBe('true');
    expect(event.getAllByTestId(/^rating-(correctness|completeness|overall)$/)).toHaveLength(3);
    expect(correctness.textContent).toContain('below the target');
  });

  it('shows the full signal payload as a JSON tree and the lineage of an escalation', () => {
    const { signals } = renderInspector();
    const s = select(signals, 'node.escalated', 'draft');
    const event = within(screen.getByTestId('event-details'));
    expect(event.getByText(`#${s.seq}`).closest(SHOWN_NOT)).toBeNull();
    const tree = within(event.getByTestId('json-tree'));
    expect(tree.getByText('"higher_tier"').closest(SHOWN_NOT)).toBeNull();
    expect(tree.getByText('"draft@2"').closest(SHOWN_NOT)).toBeNull();
    expect(event.getByTestId('lineage').textContent).not.toBe('');
  });

  it('renders an approval payload containing markup as text', () => {
    const { signals, container } = renderInspector();
    select(signals, 'node.awaiting_approval', 'review');
    const tree = within(within(screen.getByTestId('event-details')).getByTestId('json-tree'));
    expect(tree.getByText(JSON.stringify(XSS)).closest(SHOWN_NOT)).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.innerHTML).not.toContain('<img');
  });
});

describe('RatingBars', () => {
  it('colours bars green at or above the target and red below, with the numbers and the target line', () => {
    render(<RatingBars ratings={{ correctness: 0.97, evidence: 0.95, risk: 0.6 }} target={0.95} />);
    const fill = (cat: string) =>
      within(screen.getByTestId(`rating-${cat}`)).getByTestId('rating-fill') as HTMLElement;
    expect(sameColor(fill('correctness').style.background, '#16a34a')).toBe(true);
    expect(sameColor(fill('evidence').style.background, '#16a34a')).toBe(true);
    expect(sameColor(fill('risk').style.background, '#dc2626')).toBe(true);
    expect(fill('risk').style.width).toBe('60%');
    expect(screen.getByTestId('rating-risk').textContent).toContain('0.60');
    expect(screen.getByTestId('rating-correctness').textContent).toContain('0.97');
    for (const line of screen.getAllByTestId('rating-target')) expect(line.style.left).toBe('95%');
    expect(screen.getByText('target 0.95').closest(SHOWN_NOT)).toBeNull();
  });
});

describe('JsonTree', () => {
  it('expands and collapses containers', () => {
    render(<JsonTree value={{ outer: { inner: { leaf: 42 } }, list: [1, 2] }} label="doc" expandDepth={1} />);
    // Depth 0 open, depth 1 folded.
    expect(screen.getByRole('button', { name: 'Collapse doc' }).getAttribute('aria-expanded')).toBe('true');
    const outer = screen.getByRole('button', { name: 'Expand outer' });
    expect(screen.queryByText('inner:')).toBeNull();
    fireEvent.click(outer);
    expect(screen.getByRole('button', { name: 'Collapse outer' }).getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Expand inner' }));
    expect(screen.getByText('42').closest(SHOWN_NOT)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Collapse outer' }));
    expect(screen.queryByText('42')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Collapse doc' }));
    expect(screen.queryByRole('button', { name: /outer/ })).toBeNull();
  });

  it('renders keys and strings as text, never as HTML', () => {
    const { container } = render(<JsonTree value={{ [XSS]: XSS }} expandDepth={2} />);
    expect(screen.getByText(`${XSS}:`).closest(SHOWN_NOT)).toBeNull();
    expect(screen.getByText(JSON.stringify(XSS)).closest(SHOWN_NOT)).toBeNull();
    expect(container.querySelector('img')).toBeNull();
  });

  it('pages long arrays', () => {
    render(<JsonTree value={Array.from({ length: 250 }, (_, i) => i)} expandDepth={1} />);
    expect(screen.getAllByRole('listitem').length).toBeLessThan(110);
    fireEvent.click(screen.getByRole('button', { name: /Show 100 more of 150/ }));
    expect(screen.getByText('199').closest(SHOWN_NOT)).toBeNull();
  });
});
