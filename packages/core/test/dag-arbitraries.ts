/**
 * fast-check arbitraries for DAG documents: random acyclic DAGs whose templates reference random
 * ancestors (always valid), the same with one injected back edge (always cyclic), and random mutations
 * of a document (for "never throws").
 */
import fc from 'fast-check';
import { type DagSpecInput, type Json, reservedRoots } from '../src/index.ts';

export const ladder = [
  { name: 'small', provider: 'sim', model: 'sim-small' },
  { name: 'medium', provider: 'sim', model: 'sim-medium' },
  { name: 'large', provider: 'sim', model: 'sim-large' },
];

/** A node id in the schema's alphabet, never a reserved template root. */
export const nodeIdArb: fc.Arbitrary<string> = fc
  .stringMatching(/^[A-Za-z0-9_-]{1,10}$/)
  .filter((id) => !(reservedRoots as readonly string[]).includes(id));

/** Ancestors of every node when edges only go from a lower to a higher index. */
const ancestorsByIndex = (n: number, edges: ReadonlyArray<readonly [number, number]>): Array<Set<number>> => {
  const anc = Array.from({ length: n }, () => new Set<number>());
  const sorted = [...edges].sort((x, y) => x[1] - y[1]);
  for (const [s, t] of sorted) {
    const target = anc[t] as Set<number>;
    target.add(s);
    for (const a of anc[s] as Set<number>) target.add(a);
  }
  return anc;
};

export interface RandomDag {
  dag: DagSpecInput;
  ids: string[];
  /** Edges as [source, target] index pairs, source < target. */
  edges: Array<[number, number]>;
}

type Kind = 'llm' | 'approval' | 'transform' | 'map';

/** A random acyclic DAG (1..maxNodes nodes, edges from lower to higher index) that must validate clean. */
export const acyclicDagArb = (maxNodes = 40): fc.Arbitrary<RandomDag> =>
  fc
    .uniqueArray(nodeIdArb, { minLength: 1, maxLength: maxNodes })
    .chain((ids) => {
      const n = ids.length;
      const node = fc.record({
        kind: fc.constantFrom<Kind>('llm', 'approval', 'transform', 'map'),
        picks: fc.array(fc.nat(), { maxLength: 3 }),
        gate: fc.option(
          fc.record(
            {
              target: fc.double({ min: 0, max: 1, noNaN: true }),
              maxTries: fc.integer({ min: 1, max: 5 }),
            },
            { requiredKeys: [] },
          ),
          { nil: undefined },
        ),
        tiers: fc.option(
          fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 2 }), fc.boolean()).map(([a, b, byName]) => {
            const [lo, hi] = a <= b ? [a, b] : [b, a];
            return byName
              ? { startTier: (ladder[lo] as { name: string }).name, maxTier: hi }
              : { startTier: lo, maxTier: (ladder[hi] as { name: string }).name };
          }),
          { nil: undefined },
        ),
      });
      const edge =
        n < 2
          ? fc.constant<[number, number] | undefined>(undefined)
          : fc
              .tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 }))
              .map(([a, b]) =>
                a === b ? undefined : ([Math.min(a, b), Math.max(a, b)] as [number, number]),
              );
      return fc.tuple(
        fc.constant(ids),
        fc.array(node, { minLength: n, maxLength: n }),
        fc.array(edge, { maxLength: n * 3 }),
        fc.boolean(),
      );
    })
    .map(([ids, specs, rawEdges, withLadder]) => {
      const seen = new Set<string>();
      const edges: Array<[number, number]> = [];
      for (const e of rawEdges)
        if (e !== undefined && !seen.has(e.join())) {
          seen.add(e.join());
          edges.push(e);
        }
      const anc = ancestorsByIndex(ids.length, edges).map((s) => [...s]);
      const nodes = specs.map((spec, i) => {
        const id = ids[i] as string;
        const up = anc[i] as number[];
        const refs = up.length === 0 ? [] : spec.picks.map((p) => ids[up[p % up.length] as number] as string);
        const text = [
          'Work on {{ inputs.topic }}',
          ...refs.map((r, k) => `{{${r}${k % 2 ? '.field.0' : ''}}}`),
        ].join(' ');
        const common = {
          id,
          ...(spec.gate && { gate: spec.gate }),
          ...(withLadder && spec.tiers),
        };
        switch (spec.kind) {
          case 'llm':
            return {
              ...common,
              kind: 'llm' as const,
              prompt: text,
              system: refs.length ? `{{${refs[0]}}}` : 'sys',
            };
          case 'approval':
            return {
              ...common,
              kind: 'approval' as const,
              prompt: text,
              payload: { seen: refs.map((r) => `{{${r}}}`) },
            };
          case 'transform':
            return {
              ...common,
              kind: 'transform' as const,
              mapping: { text, all: refs.map((r) => `{{${r}}}`) },
            };
          default: // map
            return {
              ...common,
              kind: 'map' as const,
              items: refs.length ? `{{${refs[0]}.list}}` : '{{inputs.list}}',
              prompt: `Item {{index}}: {{ item }} for ${text}`,
            };
        }
      });
      const dag: DagSpecInput = {
        id: 'random',
        ...(withLadder && { ladder }),
        nodes,
        edges: edges.map(([s, t]) => ({ source: ids[s] as string, target: ids[t] as string })),
      };
      return { dag, ids, edges };
    });

/**
 * A random acyclic DAG plus one back edge from a node to one of its ancestors, so the DAG has exactly
 * one cycle and every cycle uses the back edge. Templates keep referencing real ancestors.
 */
export const cyclicDagArb = (maxNodes = 40): fc.Arbitrary<RandomDag & { back: [number, number] }> =>
  acyclicDagArb(maxNodes)
    .filter((d) => d.edges.length > 0)
    .chain((d) =>
      fc.tuple(fc.constant(d), fc.nat({ max: d.edges.length - 1 }), fc.nat()).map(([d, e, pick]) => {
        // Walk forward from an edge's source to a random descendant, then point back.
        const [from] = d.edges[e] as [number, number];
        const desc = ancestorsByIndex(d.ids.length, d.edges)
          .map((anc, i) => (anc.has(from) ? i : -1))
          .filter((i) => i >= 0);
        const to = desc[pick % desc.length] as number;
        const back: [number, number] = [to, from];
        const dag = {
          ...d.dag,
          edges: [...(d.dag.edges ?? []), { source: d.ids[to] as string, target: d.ids[from] as string }],
        };
        return { ...d, dag, back, edges: [...d.edges, back] };
      }),
    );

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) in a JSON-ish tree, parents before children. */
const slots = (root: unknown): Array<[Container, string | number]> => {
  const out: Array<[Container, string | number]> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v))
      v.forEach((x, i) => {
        out.push([v, i]);
        walk(x);
      });
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.push([v as Record<string, unknown>, k]);
        walk(x);
      }
  };
  walk(root);
  return out;
};

export type Mutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('replace' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }),
      fc.constantFrom(-1, 0, 1.5, 2, '', 'a', 'inputs', '{{item}}', '{{a}}', null, [], {}, Number.NaN),
    ),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
);

/** Applies mutations to a deep copy of `doc`; slot indexes wrap around. */
export const mutate = (doc: Json | DagSpecInput, mutations: readonly Mutation[]): unknown => {
  const copy = JSON.parse(JSON.stringify(doc)) as unknown;
  for (const m of mutations) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [box, key] = all[m.at % all.length] as [Container, string | number];
    if (m.op === 'replace') (box as Record<string | number, unknown>)[key] = m.value;
    else if (m.op === 'delete') {
      if (Array.isArray(box)) box.splice(key as number, 1);
      else delete box[key as string];
    } else {
      const v = (box as Record<string | number, unknown>)[key];
      if (Array.isArray(box)) box.push(v);
      else (box as Record<string, unknown>)[`${String(key)}2`] = v;
    }
  }
  return copy;
};
