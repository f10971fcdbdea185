// @vitest-environment happy-dom
import { act, render } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { RunTransport } from '../src/index.ts';
import { useRun } from '../src/react/index.ts';
import { createFakeTransport, recordedRun } from './fake-transport.ts';

const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

const renders: number[] = [];
function Lanes({ transport }: { transport: RunTransport }) {
  const { view } = useRun(transport, 'r1');
  renders.push(view.lastSeq);
  return <p data-testid="status">{`${view.status} ${view.lastSeq} ${view.nodes.get('sum')?.lane ?? '-'}`}</p>;
}

it('useRun re-renders once per frame for a burst of signals', async () => {
  const run = await recordedRun(20);
  const { transport, watches } = createFakeTransport();
  const ui = render(<Lanes transport={transport} />);
  expect(renders).toEqual([0]);
  await act(async () => {
    watches[0]?.push(...run);
    watches[0]?.end();
    await frame();
    await frame();
  });
  expect(ui.getByTestId('status').textContent).toBe(`succeeded ${run.length} succeeded`);
  // The first render, then one for the whole burst (the stream's close may land in a later frame).
  expect(renders.length).toBeLessThanOrEqual(3);
  expect(renders[1]).toBe(run.length);
  ui.unmount();
});
