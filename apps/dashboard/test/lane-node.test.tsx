import { laneStyles, lanes } from '@laneflow/core';
import { cleanup, render, screen } from '@testing-library/react';
import type { NodeProps } from '@xyflow/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneFlowNode } from '../src/run/graph-model.ts';
import { LaneNode } from '../src/run/lane-node.tsx';
import { nodeIn, Providers, sameColor } from './fixtures.tsx';

afterEach(cleanup);

const props = (lane: (typeof lanes)[number]) =>
  ({
    id: `n-${lane}`,
    type: 'lane',
    data: { node: nodeIn(lane), rev: 1, tierName: 'small', kind: 'llm' },
    selected: false,
    dragging: false,
    zIndex: 0,
    isConnectable: false,
    positionAbsoluteX: 0,
    positionAbsoluteY: 0,
    draggable: false,
    selectable: true,
    deletable: false,
  }) as unknown as NodeProps<LaneFlowNode>;

describe('LaneNode', () => {
  it.each(lanes)('renders the %s lane with its colour, icon and label', (lane) => {
    render(
      <Providers>
        <LaneNode {...props(lane)} />
      </Providers>,
    );
    const el = screen.getByTestId(`node-n-${lane}`);
    const style = laneStyles[lane];
    expect(el.dataset.lane).toBe(lane);
    expect(sameColor(el.style.borderColor, style.color)).toBe(true);
    // The icon, so colour is never the only cue.
    const icon = el.querySelector('svg');
    expect(icon?.getAttribute('data-icon')).toBe(style.icon);
    expect(icon?.getAttribute('stroke')).toBe(style.color);
    expect(icon?.getAttribute('aria-label')).toBe(style.label);
    // And the lane's name in words, in a shade of the lane colour legible as text in either theme
    // (amber or slate as 12 px text would fail AA contrast; the border and icon keep the lane colour).
    const label = [...el.querySelectorAll('span')].find((s) => s.textContent === style.label);
    expect(label?.style.color).toBe(`var(--lane-text-${lane})`);
    expect(el.textContent).toContain(`Node ${lane}`);
    expect(el.classList.contains('dashed')).toBe(lane === 'skipped');
  });

  it('draws skipped nodes dashed and no other lane', () => {
    expect(lanes.filter((l) => laneStyles[l].dashed)).toEqual(['skipped']);
  });

  it('times an approval node by the wait it had, and other nodes by their work', () => {
    const approval = props('succeeded');
    approval.data.kind = 'approval';
    approval.data.node.elapsedMs = 0;
    approval.data.node.waitedMs = 5000;
    const work = props('succeeded');
    work.data.node.elapsedMs = 1200;
    work.data.node.waitedMs = 5000;
    render(
      <Providers>
        <LaneNode {...approval} />
      </Providers>,
    );
    expect(screen.getByTestId('node-n-succeeded').textContent).toContain('5.0 s');
    cleanup();
    render(
      <Providers>
        <LaneNode {...work} />
      </Providers>,
    );
    expect(screen.getByTestId('node-n-succeeded').textContent).toContain('1.2 s');
  });

  it('shows Approve/Reject on a node awaiting approval', () => {
    const p = props('awaiting_approval');
    p.data.node.pendingApproval = { approvalId: 'a1', prompt: 'ok?', since: '2025-01-01T00:00:00.000Z' };
    render(
      <Providers>
        <LaneNode {...p} />
      </Providers>,
    );
    expect(screen.getByRole('button', { name: 'Approve' })).toHaveProperty('disabled', false);
    expect(screen.getByRole('button', { name: 'Reject' })).toHaveProperty('disabled', false);
  });
});
