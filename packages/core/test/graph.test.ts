import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ancestors,
  buildGraph,
  descendants,
  findCycles,
  type GraphLike,
  stronglyConnected,
  topologicalOrder,
  topoSort,
} from '../src/index.ts';
import { acyclicDagArb, cyclicDagArb } from './dag-arbitraries.ts';

const graph = (ids: string[], edges: Array<[string, string]>): GraphLike => ({
  nodes: ids.map((id) => ({ id })),
  edges: edges.map(([source, target]) => ({ source, target })),
});

const sorted = (s: Iterable<string>) => [...s].sort();

/** Checks that `walk` is a closed walk of length >= 2 along real edges, visiting each node once. */
const expectRealCycle = (walk: string[], g: GraphLike) => {
  const edgeSet = new Set(g.edges.map((e) => `${e.source}\u0000${e.target}`));
  expect(walk.length).toBeGreaterThanOrEqual(3);
  expect(walk[0]).toBe(walk[walk.length - 1]);
  expect(new Set(walk).size).toBe(walk.length - 1);
  for (let i = 0; i + 1 < walk.length; i++) expect(edgeSet.has(`${walk[i]}\u0000${walk[i + 1]}`)).toBe(true);
};

/** Any directed graph on 1..n nodes: cycles, self-loops and duplicate edges allowed. */
const anyGraphArb = (maxNodes = 15): fc.Arbitrary<GraphLike> =>
  fc.integer({ min: 1, max: maxNodes }).chain((n) =>
    fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 })), { maxLength: n * 3 }).map((pairs) =>
      graph(
        Array.from({ length: n }, (_, i) => `v${i}`),
        pairs.map(([a, b]) => [`v${a}`, `v${b}`]),
      ),
    ),
  );

/** A random DAG as a GraphLike (from the DAG document arbitrary). */
const acyclicArb = acyclicDagArb(40).map(
  (d): GraphLike =>
    graph(
      d.ids,
      d.edges.map(([s, t]) => [d.ids[s] as string, d.ids[t] as string]),
    ),
);

describe('buildGraph', () => {
  it('builds adjacency both ways in node order', () => {
    const g = buildGraph(
      graph(
        ['a', 'b', 'c'],
        [
          ['a', 'c'],
          ['b', 'c'],
          ['a', 'b'],
        ],
      ),
    );
    expect(g.ids).toEqual(['a', 'b', 'c']);
    expect(g.succs.get('a')).toEqual(['c', 'b']);
    expect(g.preds.get('c')).toEqual(['a', 'b']);
    expect(g.preds.get('a')).toEqual([]);
  });

  it('keeps the first of duplicate ids and drops edges to unknown nodes', () => {
    const g = buildGraph(
      graph(
        ['a', 'b', 'a'],
        [
          ['a', 'zz'],
          ['zz', 'b'],
          ['a', 'b'],
        ],
      ),
    );
    expect(g.ids).toEqual(['a', 'b']);
    expect(g.succs.get('a')).toEqual(['b']);
    expect(g.preds.get('b')).toEqual(['a']);
  });
});

describe('topoSort and topologicalOrder', () => {
  it('is stable in node order when nothing constrains it', () => {
    expect(topologicalOrder(graph(['c', 'a', 'b'], []))).toEqual(['c', 'a', 'b']);
  });

  it('puts dependencies first', () => {
    expect(
      topologicalOrder(
        graph(
          ['d', 'c', 'b', 'a'],
          [
            ['a', 'b'],
            ['b', 'c'],
            ['a', 'd'],
          ],
        ),
      ),
    ).toEqual(['a', 'b', 'd', 'c']);
  });

  it('lists nodes on or behind a cycle as blocked', () => {
    const { order, blocked } = topoSort(
      buildGraph(
        graph(
          ['s', 'a', 'b', 'after', 'free'],
          [
            ['s', 'a'],
            ['a', 'b'],
            ['b', 'a'],
            ['b', 'after'],
          ],
        ),
      ),
    );
    expect(order).toEqual(['s', 'free']);
    expect(blocked).toEqual(['a', 'b', 'after']);
  });

  it('treats a self-loop as blocking', () => {
    expect(
      topoSort(
        buildGraph(
          graph(
            ['a', 'b'],
            [
              ['a', 'a'],
              ['a', 'b'],
            ],
          ),
        ),
      ).blocked,
    ).toEqual(['a', 'b']);
  });

  it('topologicalOrder throws on a cycle, naming the blocked nodes', () => {
    expect(() =>
      topologicalOrder(
        graph(
          ['a', 'b', 'c'],
          [
            ['a', 'b'],
            ['b', 'a'],
          ],
        ),
      ),
    ).toThrow('graph has a cycle through: a, b');
  });

  it('handles duplicate edges', () => {
    expect(
      topologicalOrder(
        graph(
          ['b', 'a'],
          [
            ['a', 'b'],
            ['a', 'b'],
          ],
        ),
      ),
    ).toEqual(['a', 'b']);
  });

  it('property: topologicalOrder is a permutation of the ids that respects every edge', () => {
    fc.assert(
      fc.property(acyclicArb, (g) => {
        const order = topologicalOrder(g);
        expect(sorted(order)).toEqual(sorted(g.nodes.map((n) => n.id)));
        const at = new Map(order.map((id, i) => [id, i]));
        for (const e of g.edges) expect(at.get(e.source) as number).toBeLessThan(at.get(e.target) as number);
      }),
      { numRuns: 200 },
    );
  });

  it('property: on any graph, order and blocked partition the nodes, and blocked is empty iff there is no cycle', () => {
    fc.assert(
      fc.property(anyGraphArb(), (g) => {
        const built = buildGraph(g);
        const { order, blocked } = topoSort(built);
        expect(sorted([...order, ...blocked])).toEqual(sorted(built.ids));
        const selfLoop = g.edges.some((e) => e.source === e.target);
        expect(blocked.length === 0).toBe(findCycles(built).length === 0 && !selfLoop);
        const at = new Map(order.map((id, i) => [id, i]));
        for (const e of g.edges)
          if (at.has(e.target)) expect(at.get(e.source) as number).toBeLessThan(at.get(e.target) as number);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ancestors and descendants', () => {
  const diamond = graph(
    ['a', 'b', 'c', 'd', 'x'],
    [
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'd'],
      ['c', 'd'],
    ],
  );

  it('follow edges transitively, excluding the node itself', () => {
    expect(sorted(ancestors(diamond, 'd'))).toEqual(['a', 'b', 'c']);
    expect(sorted(descendants(diamond, 'a'))).toEqual(['b', 'c', 'd']);
    expect(sorted(ancestors(diamond, 'a'))).toEqual([]);
    expect(sorted(descendants(diamond, 'x'))).toEqual([]);
  });

  it('accept a built Graph as well as a GraphLike', () => {
    const built = buildGraph(diamond);
    expect(sorted(ancestors(built, 'd'))).toEqual(['a', 'b', 'c']);
    expect(sorted(descendants(built, 'b'))).toEqual(['d']);
  });

  it('return an empty set for an unknown id', () => {
    expect(ancestors(diamond, 'nope').size).toBe(0);
    expect(descendants(diamond, 'nope').size).toBe(0);
  });

  it('include the node itself when it is on a cycle', () => {
    const g = graph(
      ['a', 'b', 'c'],
      [
        ['a', 'b'],
        ['b', 'a'],
        ['b', 'c'],
      ],
    );
    expect(sorted(ancestors(g, 'a'))).toEqual(['a', 'b']);
    expect(sorted(descendants(g, 'a'))).toEqual(['a', 'b', 'c']);
  });

  it('property: b is in descendants(a) iff a is in ancestors(b), on any graph', () => {
    fc.assert(
      fc.property(fc.oneof(acyclicArb, anyGraphArb()), (g) => {
        const built = buildGraph(g);
        const desc = new Map(built.ids.map((id) => [id, descendants(built, id)]));
        const anc = new Map(built.ids.map((id) => [id, ancestors(built, id)]));
        for (const a of built.ids)
          for (const b of built.ids) expect(desc.get(a)?.has(b)).toBe(anc.get(b)?.has(a) ?? false);
      }),
      { numRuns: 200 },
    );
  });

  it('property: every edge source is an ancestor of its target; on a DAG no node is its own ancestor', () => {
    fc.assert(
      fc.property(acyclicArb, (g) => {
        const built = buildGraph(g);
        for (const e of g.edges) expect(ancestors(built, e.target).has(e.source)).toBe(true);
        for (const id of built.ids) expect(ancestors(built, id).has(id)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('findCycles', () => {
  it('finds none on a DAG', () => {
    expect(
      findCycles(
        buildGraph(
          graph(
            ['a', 'b', 'c'],
            [
              ['a', 'b'],
              ['a', 'c'],
              ['b', 'c'],
            ],
          ),
        ),
      ),
    ).toEqual([]);
  });

  it('returns a closed walk starting at the first node in node order', () => {
    expect(
      findCycles(
        buildGraph(
          graph(
            ['z', 'b', 'a'],
            [
              ['a', 'z'],
              ['z', 'b'],
              ['b', 'a'],
            ],
          ),
        ),
      ),
    ).toEqual([['z', 'b', 'a', 'z']]);
  });

  it('leaves self-loops to validation', () => {
    expect(findCycles(buildGraph(graph(['a'], [['a', 'a']])))).toEqual([]);
  });

  it('does not mistake a self-loop for the cycle it sits on', () => {
    const g = graph(
      ['a', 'c', 'k'],
      [
        ['c', 'c'],
        ['a', 'c'],
        ['c', 'k'],
        ['k', 'a'],
      ],
    );
    expect(findCycles(buildGraph(g))).toEqual([['a', 'c', 'k', 'a']]);
  });

  it('finds one cycle per strongly connected component', () => {
    const g = graph(
      ['a', 'b', 'c', 'd', 'e'],
      [
        ['a', 'b'],
        ['b', 'a'],
        ['b', 'c'],
        ['c', 'd'],
        ['d', 'e'],
        ['e', 'c'],
      ],
    );
    const cycles = findCycles(buildGraph(g));
    expect(cycles).toHaveLength(2);
    for (const c of cycles) expectRealCycle(c, g);
    expect(cycles.map((c) => sorted(new Set(c)))).toEqual(
      expect.arrayContaining([
        ['a', 'b'],
        ['c', 'd', 'e'],
      ]),
    );
  });

  it('property: none on acyclic graphs', () => {
    fc.assert(
      fc.property(acyclicArb, (g) => {
        expect(findCycles(buildGraph(g))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('property: on a DAG with one back edge, exactly one real cycle through it', () => {
    fc.assert(
      fc.property(cyclicDagArb(40), (d) => {
        const g = graph(
          d.ids,
          d.edges.map(([s, t]) => [d.ids[s] as string, d.ids[t] as string]),
        );
        const cycles = findCycles(buildGraph(g));
        expect(cycles).toHaveLength(1);
        expectRealCycle(cycles[0] as string[], g);
        expect(cycles[0]).toContain(d.ids[d.back[0]]);
        expect(cycles[0]).toContain(d.ids[d.back[1]]);
      }),
      { numRuns: 200 },
    );
  });

  it('property: on any graph, every reported walk is a real cycle, in a distinct component', () => {
    fc.assert(
      fc.property(anyGraphArb(), (g) => {
        const built = buildGraph(g);
        const cycles = findCycles(built);
        for (const c of cycles) expectRealCycle(c, g);
        const components = stronglyConnected(built);
        expect(cycles).toHaveLength(components.filter((s) => s.length > 1).length);
        const componentOf = new Map(components.flatMap((s, i) => s.map((id) => [id, i] as const)));
        expect(new Set(cycles.map((c) => componentOf.get(c[0] as string))).size).toBe(cycles.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('stronglyConnected', () => {
  it('property: components partition the nodes; mutual reachability defines them', () => {
    fc.assert(
      fc.property(anyGraphArb(10), (g) => {
        const built = buildGraph(g);
        const components = stronglyConnected(built);
        expect(sorted(components.flat())).toEqual(sorted(built.ids));
        const componentOf = new Map(components.flatMap((s, i) => s.map((id) => [id, i] as const)));
        for (const a of built.ids)
          for (const b of built.ids) {
            const same = a === b || (descendants(built, a).has(b) && descendants(built, b).has(a));
            expect(componentOf.get(a) === componentOf.get(b)).toBe(same);
          }
      }),
      { numRuns: 200 },
    );
  });

  it('property: along preds, ancestors come first; along succs, descendants come first', () => {
    fc.assert(
      fc.property(anyGraphArb(10), (g) => {
        const built = buildGraph(g);
        for (const dir of ['preds', 'succs'] as const) {
          const components = stronglyConnected(built, dir);
          const componentOf = new Map(components.flatMap((s, i) => s.map((id) => [id, i] as const)));
          for (const e of g.edges) {
            const [s, t] = [componentOf.get(e.source) as number, componentOf.get(e.target) as number];
            // preds: a source (ancestor) is never after its target; succs: the other way round.
            if (dir === 'preds') expect(s).toBeLessThanOrEqual(t);
            else expect(t).toBeLessThanOrEqual(s);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('large graphs', () => {
  const N = 10_000;
  const ids = Array.from({ length: N }, (_, i) => `n${i}`);
  const chain: Array<[string, string]> = ids.slice(1).map((id, i) => [ids[i] as string, id]);

  it('findCycles does not overflow the stack on a 10,000-node chain', () => {
    expect(findCycles(buildGraph(graph(ids, chain)))).toEqual([]);
  });

  it('findCycles finds a 10,000-node ring as one cycle', () => {
    const cycles = findCycles(buildGraph(graph(ids, [...chain, [`n${N - 1}`, 'n0']])));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(N + 1);
    expect(cycles[0]?.slice(0, 3)).toEqual(['n0', 'n1', 'n2']);
  });

  it('findCycles reports each of 5,000 two-node cycles', () => {
    const pairs: Array<[string, string]> = ids.map((id, i) => [id, `n${i ^ 1}`]);
    const cycles = findCycles(buildGraph(graph(ids, pairs)));
    expect(cycles).toHaveLength(N / 2);
    expect(cycles.every((c) => c.length === 3 && c[0] === c[2])).toBe(true);
  });

  it('topologicalOrder, ancestors and descendants handle a 10,000-node chain', () => {
    const g = graph([...ids].reverse(), chain);
    expect(topologicalOrder(g)).toEqual(ids);
    expect(ancestors(g, `n${N - 1}`).size).toBe(N - 1);
    expect(descendants(g, 'n0').size).toBe(N - 1);
  });
});
