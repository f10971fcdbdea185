import { describe, expect, it } from 'vitest';
import { moveTo, type NodeRecord, type Phase } from '../src/executor/node-record.ts';
import { IllegalTransitionError } from '../src/index.ts';

const at = (phase: Phase) => ({ id: 'n', phase }) as NodeRecord;

describe('node transitions', () => {
  it('allows the moves of the table and refuses every other one', () => {
    const legal: Array<[Phase, Phase]> = [
      ['queued', 'waiting'],
      ['queued', 'running'],
      ['queued', 'retry'],
      ['queued', 'done'],
      ['waiting', 'queued'],
      ['waiting', 'done'],
      ['running', 'waiting'],
      ['running', 'retry'],
      ['running', 'done'],
      ['retry', 'queued'],
      ['retry', 'done'],
    ];
    const phases: Phase[] = ['queued', 'waiting', 'running', 'retry', 'done'];
    for (const from of phases)
      for (const to of phases) {
        const node = at(from);
        if (legal.some(([f, t]) => f === from && t === to)) {
          moveTo(node, to);
          expect(node.phase).toBe(to);
        } else {
          expect(() => moveTo(node, to), `${from} → ${to}`).toThrow(IllegalTransitionError);
          expect(node.phase).toBe(from);
        }
      }
  });
});
