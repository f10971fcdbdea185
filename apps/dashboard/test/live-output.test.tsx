import type { Signal } from '@laneflow/core';
import { act, cleanup, render, screen } from '@testing-library/react';
import type { NodeProps } from '@xyflow/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneFlowNode } from '../src/run/graph-model.ts';
import { LaneNode } from '../src/run/lane-node.tsx';
import { createLiveOutput, LiveOutputContext } from '../src/run/live-output.ts';
import { nodeIn, Providers } from './fixtures.tsx';

afterEach(cleanup);

let seq = 0;
const sig = (type: string, nodeId: string, extra: object = {}) =>
  ({
    type,
    runId: 'run-1',
    seq: ++seq,
    at: new Date().toISOString(),
    nodeId,
    attempt: 1,
    ...extra,
  }) as Signal;
const delta = (nodeId: string, text: string) => sig('node.output_delta', nodeId, { text });

describe('live output', () => {
  it('gathers each running node’s streamed text, reading only new signals, until the attempt ends', () => {
    const live = createLiveOutput();
    const signals: Signal[] = [sig('node.started', 'a'), delta('a', 'Small '), delta('b', 'x')];
    live.feed(signals);
    expect(live.store.getState().texts).toEqual({ a: 'Small ', b: 'x' });
    signals.push(delta('a', 'modular'));
    live.feed(signals);
    expect(live.store.getState().texts.a).toBe('Small modular');
    // A new attempt starts over; an ended one has its output instead.
    signals.push(sig('node.started', 'a', { attempt: 2 }), delta('a', 'Again'), sig('node.succeeded', 'b'));
    live.feed(signals);
    expect(live.store.getState().texts).toEqual({ a: 'Again' });
  });

  it('previews the end of the streamed text on a running node, on one line', () => {
    const live = createLiveOutput();
    const props = {
      id: 'n-running',
      data: { node: nodeIn('running'), rev: 1, tierName: 'small', kind: 'llm' },
    } as unknown as NodeProps<LaneFlowNode>;
    render(
      <Providers>
        <LiveOutputContext.Provider value={live.store}>
          <LaneNode {...props} />
        </LiveOutputContext.Provider>
      </Providers>,
    );
    expect(screen.queryByTestId('output-preview')).toBeNull();
    const signals = [delta('n-running', 'Market: ~$6B by 2030')];
    act(() => live.feed(signals));
    expect(screen.getByTestId('output-preview').textContent).toBe('Market: ~$6B by 2030');
    act(() => live.feed([...signals, sig('node.succeeded', 'n-running')]));
    expect(screen.queryByTestId('output-preview')).toBeNull();
  });
});
