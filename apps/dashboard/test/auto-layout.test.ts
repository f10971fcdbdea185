import { describe, expect, it } from 'vitest';
import { autoLayout, elkOptions } from '../src/graph/auto-layout.ts';
import { NODE_W } from '../src/graph/layout.ts';
import { rankLayout } from '../src/graph/rank-layout.ts';

const chain = (n: number) => ({
  nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}` })),
  edges: Array.from({ length: n - 1 }, (_, i) => ({ source: `n${i}`, target: `n${i + 1}` })),
});

describe('auto layout', () => {
  it('puts each node one column after its furthest input, inputs first', () => {
    const p = rankLayout({
      nodes: [{ id: 'join' }, { id: 'b' }, { id: 'a' }, { id: 'c' }],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'join' },
        { source: 'a', target: 'join' },
        { source: 'c', target: 'join' },
      ],
    });
    expect(p.a?.x).toBe(0);
    expect(p.c?.x).toBe(0);
    expect(p.b?.x).toBeGreaterThanOrEqual(NODE_W);
    expect(p.join?.x).toBeGreaterThan(p.b?.x ?? 0);
  });

  it('lays out a 5,000-node chain and a cycle without running out of stack', () => {
    const p = rankLayout(chain(5000));
    expect(p.n4999?.x).toBeGreaterThan(p.n4998?.x ?? 0);
    const loop = rankLayout({
      nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
      ],
    });
    expect(Object.keys(loop).sort()).toEqual(['a', 'b', 'c']);
  });

  it('uses the plain layout where no Web Worker can run ELK', async () => {
    const r = await autoLayout(chain(3));
    expect(r.engine).toBe('rank');
    expect(r.positions.n2?.x).toBeGreaterThan(r.positions.n1?.x ?? 0);
  });

  it('trades crossing minimisation for speed only on very large graphs', () => {
    expect(elkOptions(500)['elk.layered.crossingMinimization.strategy']).toBeUndefined();
    expect(elkOptions(2000)['elk.layered.crossingMinimization.strategy']).toBe('INTERACTIVE');
  });
});
