import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DagSpecInput,
  dagLimits,
  defaultGateCategories,
  type Issue,
  resolveTierRef,
  validateDag,
} from '../src/index.ts';
import { acyclicDagArb, cyclicDagArb, ladder, mutate, mutationArb } from './dag-arbitraries.ts';

type NodeInput = DagSpecInput['nodes'][number];

const llm = (id: string, prompt = 'Say hello', extra: Record<string, unknown> = {}): NodeInput =>
  ({ id, kind: 'llm', prompt, ...extra }) as NodeInput;

const dag = (nodes: unknown[], edges: unknown[] = [], extra: Record<string, unknown> = {}): unknown => ({
  id: 'test-dag',
  nodes,
  edges,
  ...extra,
});

const edge = (source: string, target: string) => ({ source, target });

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The issues of an input that must be rejected. */
const issuesOf = (input: unknown): Issue[] => {
  const r = validateDag(input);
  if (r.ok) throw new Error(`expected issues, got a valid DAG: ${JSON.stringify(r.value)}`);
  return r.issues;
};

/** Issues reduced to `path code` for exact comparisons. */
const pathsAndCodes = (input: unknown): string[] => issuesOf(input).map((i) => `${i.path} ${i.code}`);

const expectValid = (input: unknown) => {
  const r = validateDag(input);
  expect(r.ok ? [] : r.issues).toEqual([]);
  return r.ok ? r.value : (undefined as never);
};

const cycleNames = (message: string): string[] => {
  expect(message.startsWith('cycle: ')).toBe(true);
  return message.slice('cycle: '.length).split(' → ');
};

describe('validateDag: valid documents', () => {
  it('accepts a small DAG and fills every default', () => {
    const value = expectValid(
      dag(
        [
          llm('research', 'Research {{inputs.topic}}', { gate: {} }),
          llm('write', 'Write about {{research}}', { approval: {} }),
          { id: 'fan', kind: 'map', items: '{{research.topics}}', prompt: 'Expand {{item}} ({{index}})' },
          { id: 'ok', kind: 'approval', prompt: 'Ship {{write}}?' },
          { id: 'pack', kind: 'transform', mapping: { text: '{{write}}', parts: '{{fan}}' } },
        ],
        [
          edge('research', 'write'),
          edge('research', 'fan'),
          edge('write', 'ok'),
          edge('write', 'pack'),
          edge('fan', 'pack'),
        ],
      ),
    );
    const [research, write, fan, ok] = value.nodes;
    expect(research?.gate).toEqual({
      target: 0.95,
      categories: ['correctness', 'completeness', 'evidence', 'risk'],
      maxTries: 3,
    });
    expect(defaultGateCategories).toEqual(['correctness', 'completeness', 'evidence', 'risk']);
    expect(write?.approval).toEqual({ when: 'after', prompt: 'Approve this step?', onTimeout: 'reject' });
    expect(fan?.kind === 'map' && fan.maxItems).toBe(100);
    expect(ok?.kind === 'approval' && ok.onTimeout).toBe('reject');
    expect(value.edges).toHaveLength(5);
  });

  it('defaults a missing edge list to []', () => {
    const value = expectValid({ id: 'd', nodes: [llm('a')] });
    expect(value.edges).toEqual([]);
  });

  it('keeps an explicit gate config and fills only what is missing', () => {
    const value = expectValid(dag([llm('a', 'x', { gate: { target: 0.5, categories: ['style'] } })]));
    expect(value.nodes[0]?.gate).toEqual({ target: 0.5, categories: ['style'], maxTries: 3 });
  });

  it('accepts gate bounds exactly: target 0 and 1, maxTries 1', () => {
    expectValid(
      dag([llm('a', 'x', { gate: { target: 0, maxTries: 1 } }), llm('b', 'x', { gate: { target: 1 } })]),
    );
  });

  it('does not modify its input', () => {
    const input = dag([llm('a', 'x', { gate: {} }), llm('b', '{{a}}')], [edge('a', 'b')]);
    const before = clone(input);
    validateDag(input);
    expect(input).toEqual(before);
  });

  it('accepts a revalidation of its own output (defaults are valid input)', () => {
    const value = expectValid(
      dag([llm('a', 'x', { gate: {}, approval: {} }), llm('b', '{{a}}')], [edge('a', 'b')]),
    );
    expect(expectValid(value)).toEqual(value);
  });
});

describe('validateDag: one issue per rule, with its path and code', () => {
  it('duplicate ids: nodes.N.id / duplicate_id, naming the first occurrence', () => {
    const issues = issuesOf(dag([llm('a'), llm('b'), llm('a')]));
    expect(issues).toEqual([
      { path: 'nodes.2.id', code: 'duplicate_id', message: 'duplicate node id "a" (also nodes.0.id)' },
    ]);
  });

  it('reports every repeat of an id, each pointing at its own index', () => {
    expect(pathsAndCodes(dag([llm('a'), llm('a'), llm('a')]))).toEqual([
      'nodes.1.id duplicate_id',
      'nodes.2.id duplicate_id',
    ]);
  });

  it('unknown edge target: edges.N.target / unknown_node', () => {
    const issues = issuesOf(dag([llm('a'), llm('b')], [edge('a', 'b'), edge('a', 'ghost')]));
    expect(issues).toEqual([
      { path: 'edges.1.target', code: 'unknown_node', message: 'edge target "ghost" is not a node' },
    ]);
  });

  it('unknown edge source: edges.N.source / unknown_node', () => {
    expect(pathsAndCodes(dag([llm('a')], [edge('ghost', 'a')]))).toEqual(['edges.0.source unknown_node']);
  });

  it('both endpoints unknown gives two issues', () => {
    expect(pathsAndCodes(dag([llm('a')], [edge('x', 'y')]))).toEqual([
      'edges.0.source unknown_node',
      'edges.0.target unknown_node',
    ]);
  });

  it('self-loop: edges.N / self_loop', () => {
    const issues = issuesOf(dag([llm('a'), llm('b')], [edge('a', 'b'), edge('b', 'b')]));
    expect(issues).toEqual([{ path: 'edges.1', code: 'self_loop', message: 'edge from "b" to itself' }]);
  });

  it('cycle: edges / cycle, the message naming the nodes on the cycle in order', () => {
    const issues = issuesOf(
      dag([llm('a'), llm('b'), llm('c')], [edge('a', 'b'), edge('b', 'c'), edge('c', 'a')]),
    );
    expect(issues).toEqual([{ path: 'edges', code: 'cycle', message: 'cycle: a → b → c → a' }]);
  });

  it('a two-node cycle names both nodes', () => {
    const issues = issuesOf(
      dag([llm('x'), llm('y'), llm('z')], [edge('z', 'x'), edge('x', 'y'), edge('y', 'x')]),
    );
    expect(issues.map((i) => i.message)).toEqual(['cycle: x → y → x']);
  });

  it('reports each separate cycle', () => {
    const issues = issuesOf(
      dag(
        [llm('a'), llm('b'), llm('c'), llm('d')],
        [edge('a', 'b'), edge('b', 'a'), edge('c', 'd'), edge('d', 'c')],
      ),
    );
    expect(issues.map((i) => i.message).sort()).toEqual(['cycle: a → b → a', 'cycle: c → d → c']);
  });

  it('unknown kind: nodes.N.kind', () => {
    const issues = issuesOf(dag([llm('a'), { id: 'b', kind: 'python', prompt: 'x' }]));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('nodes.1.kind');
    expect(issues[0]?.code).toBe('invalid_union');
    expect(issues[0]?.message).toMatch(/llm/);
  });

  it('missing kind: nodes.N.kind', () => {
    expect(issuesOf(dag([{ id: 'a', prompt: 'x' }])).map((i) => i.path)).toEqual(['nodes.0.kind']);
  });

  it('gate maxTries < 1: nodes.N.gate.maxTries', () => {
    expect(pathsAndCodes(dag([llm('a'), llm('b', 'x', { gate: { maxTries: 0 } })]))).toEqual([
      'nodes.1.gate.maxTries too_small',
    ]);
  });

  it('gate maxTries must be an integer', () => {
    expect(issuesOf(dag([llm('a', 'x', { gate: { maxTries: 2.5 } })])).map((i) => i.path)).toEqual([
      'nodes.0.gate.maxTries',
    ]);
  });

  it('gate target above 1: nodes.N.gate.target / too_big', () => {
    expect(pathsAndCodes(dag([llm('a', 'x', { gate: { target: 1.01 } })]))).toEqual([
      'nodes.0.gate.target too_big',
    ]);
  });

  it('gate target below 0: nodes.N.gate.target / too_small', () => {
    expect(pathsAndCodes(dag([llm('a', 'x', { gate: { target: -0.1 } })]))).toEqual([
      'nodes.0.gate.target too_small',
    ]);
  });

  it('gate with no categories or an unknown key is rejected', () => {
    expect(issuesOf(dag([llm('a', 'x', { gate: { categories: [] } })])).map((i) => i.path)).toEqual([
      'nodes.0.gate.categories',
    ]);
    expect(issuesOf(dag([llm('a', 'x', { gate: { trgt: 0.5 } })])).map((i) => i.path)).toEqual([
      'nodes.0.gate',
    ]);
  });

  it('reserved ids: nodes.N.id / reserved_id for inputs, item and index', () => {
    for (const id of ['inputs', 'item', 'index']) {
      expect(issuesOf(dag([llm('a'), llm(id)]))).toEqual([
        { path: 'nodes.1.id', code: 'reserved_id', message: `"${id}" is reserved for templates` },
      ]);
    }
  });

  it('ids outside the safe alphabet or longer than 128 are rejected at nodes.N.id', () => {
    for (const id of ['has space', 'dot.ted', '{{x}}', '', 'x'.repeat(129)])
      expect(issuesOf(dag([llm(id)])).map((i) => i.path)).toContain('nodes.0.id');
    expectValid(dag([llm('x'.repeat(128))]));
  });
});

describe('validateDag: template references', () => {
  it('a reference to a node that is not upstream: nodes.N.prompt / bad_reference', () => {
    const issues = issuesOf(dag([llm('a'), llm('b'), llm('c', 'Use {{a}} and {{b}}')], [edge('a', 'c')]));
    expect(issues).toEqual([
      { path: 'nodes.2.prompt', code: 'bad_reference', message: '{{b}}: "b" is not upstream of "c"' },
    ]);
  });

  it('a reference to a downstream node is not upstream', () => {
    expect(pathsAndCodes(dag([llm('a', 'see {{b}}'), llm('b')], [edge('a', 'b')]))).toEqual([
      'nodes.0.prompt bad_reference',
    ]);
  });

  it('a node referencing itself is not upstream of itself', () => {
    expect(issuesOf(dag([llm('a', 'again {{a}}')]))[0]?.message).toBe('{{a}}: "a" is not upstream of "a"');
  });

  it('a reference to something that is not a node at all', () => {
    const issues = issuesOf(dag([llm('a', 'Use {{ghost.field}}')]));
    expect(issues).toEqual([
      {
        path: 'nodes.0.prompt',
        code: 'bad_reference',
        message: '{{ghost.field}}: "ghost" is not a node, referenced by "a"',
      },
    ]);
  });

  it('transitive ancestors count as upstream; field paths are allowed', () => {
    expectValid(
      dag(
        [llm('a'), llm('b', '{{a}}'), llm('c', '{{ a.x.0 }} {{b}} {{inputs.q}}')],
        [edge('a', 'b'), edge('b', 'c')],
      ),
    );
  });

  it('references in system, mapping and payload are checked with their full paths', () => {
    const issues = issuesOf(
      dag([
        llm('a', 'fine', { system: 'You know {{nope}}' }),
        { id: 't', kind: 'transform', mapping: { keep: ['ok', { deep: '{{a}}' }] } },
        { id: 'p', kind: 'approval', prompt: 'ok?', payload: { show: '{{a}}' } },
      ]),
    );
    expect(issues.map((i) => `${i.path} ${i.code}`)).toEqual([
      'nodes.0.system bad_reference',
      'nodes.1.mapping.keep.1.deep bad_reference',
      'nodes.2.payload.show bad_reference',
    ]);
  });

  it('a map items reference must be upstream: nodes.N.items', () => {
    expect(
      pathsAndCodes(
        dag([llm('plan'), { id: 'm', kind: 'map', items: '{{plan.topics}}', prompt: '{{item}}' }]),
      ),
    ).toEqual(['nodes.1.items bad_reference']);
  });

  it('{{inputs.*}} is always allowed', () => {
    expectValid(dag([llm('a', '{{inputs}} {{inputs.x.y}}')]));
  });

  it('{{item}} and {{index}} outside a map prompt are bad references', () => {
    const issues = issuesOf(
      dag([
        llm('a', 'Do {{item}}'),
        llm('b', 'n {{index}}'),
        { id: 'm', kind: 'map', items: '{{item}}', prompt: '{{item}}', system: 'of {{index}}' },
        { id: 't', kind: 'transform', mapping: { x: '{{item}}' } },
      ]),
    );
    expect(issues.map((i) => `${i.path} ${i.code}`)).toEqual([
      'nodes.0.prompt bad_reference',
      'nodes.1.prompt bad_reference',
      'nodes.2.system bad_reference',
      'nodes.2.items bad_reference',
      'nodes.3.mapping.x bad_reference',
    ]);
    expect(issues[0]?.message).toBe("{{item}} is only defined in a map node's prompt");
  });

  it('{{item}} and {{index}} inside a map prompt are fine', () => {
    expectValid(
      dag([{ id: 'm', kind: 'map', items: '{{inputs.list}}', prompt: '{{index}}: {{item.title}}' }]),
    );
  });
});

describe('validateDag: tiers', () => {
  it('startTier not in the DAG ladder: nodes.N.startTier / unknown_tier', () => {
    expect(issuesOf(dag([llm('a', 'x', { startTier: 'huge' })], [], { ladder }))).toEqual([
      { path: 'nodes.0.startTier', code: 'unknown_tier', message: 'tier "huge" is not in the DAG\'s ladder' },
    ]);
  });

  it('a tier that is neither a name nor a whole index says what it must be', () => {
    expect(issuesOf(dag([llm('a', 'x', { startTier: 1.5 as never, maxTier: true as never })]))).toEqual([
      {
        path: 'nodes.0.startTier',
        code: 'invalid_union',
        message: 'must be "auto", a tier name or a tier index (0 is the cheapest)',
      },
      {
        path: 'nodes.0.maxTier',
        code: 'invalid_union',
        message: 'must be a tier name or a tier index (0 is the cheapest)',
      },
    ]);
  });

  it('maxTier index past the end of the ladder: nodes.N.maxTier / unknown_tier', () => {
    expect(pathsAndCodes(dag([llm('a'), llm('b', 'x', { maxTier: 3 })], [], { ladder }))).toEqual([
      'nodes.1.maxTier unknown_tier',
    ]);
    expectValid(dag([llm('a', 'x', { maxTier: 2 })], [], { ladder }));
  });

  it('maxTier below startTier: nodes.N.maxTier / tier_order, with names and indexes mixed', () => {
    expect(
      pathsAndCodes(dag([llm('a', 'x', { startTier: 'large', maxTier: 'small' })], [], { ladder })),
    ).toEqual(['nodes.0.maxTier tier_order']);
    expect(pathsAndCodes(dag([llm('a', 'x', { startTier: 2, maxTier: 'medium' })], [], { ladder }))).toEqual([
      'nodes.0.maxTier tier_order',
    ]);
    expectValid(dag([llm('a', 'x', { startTier: 'medium', maxTier: 1 })], [], { ladder }));
  });

  it('without a ladder, names are left to the run but index order is still checked', () => {
    expectValid(dag([llm('a', 'x', { startTier: 'anything', maxTier: 'else' })]));
    expect(pathsAndCodes(dag([llm('a', 'x', { startTier: 2, maxTier: 1 })]))).toEqual([
      'nodes.0.maxTier tier_order',
    ]);
  });

  it('negative or fractional tier indexes are rejected by the schema', () => {
    expect(issuesOf(dag([llm('a', 'x', { startTier: -1 })])).map((i) => i.path)).toEqual([
      'nodes.0.startTier',
    ]);
    expect(issuesOf(dag([llm('a', 'x', { maxTier: 0.5 })])).map((i) => i.path)).toEqual(['nodes.0.maxTier']);
  });

  it('resolveTierRef resolves names and in-range indexes only', () => {
    expect(resolveTierRef('medium', ladder)).toBe(1);
    expect(resolveTierRef(2, ladder)).toBe(2);
    expect(resolveTierRef(3, ladder)).toBeUndefined();
    expect(resolveTierRef('nope', ladder)).toBeUndefined();
  });
});

describe('validateDag: size limits', () => {
  const many = (n: number, id = (i: number) => `n${i}`) => Array.from({ length: n }, (_, i) => llm(id(i)));

  it('no nodes at all is rejected at nodes', () => {
    expect(pathsAndCodes(dag([]))).toEqual(['nodes too_small']);
  });

  it(`accepts exactly ${dagLimits.nodes} nodes and rejects one more at nodes / too_big`, () => {
    expectValid(dag(many(dagLimits.nodes)));
    expect(pathsAndCodes(dag(many(dagLimits.nodes + 1)))).toEqual(['nodes too_big']);
  });

  it(`rejects more than ${dagLimits.edges} edges at edges / too_big`, () => {
    const edges = Array.from({ length: dagLimits.edges + 1 }, () => edge('a', 'b'));
    expect(pathsAndCodes(dag([llm('a'), llm('b')], edges))).toEqual(['edges too_big']);
  });

  it('an oversized document gets the size issue, not one issue per node', () => {
    const issues = issuesOf(dag(many(dagLimits.nodes + 1, () => 'same')));
    expect(issues.map((i) => `${i.path} ${i.code}`)).toEqual(['nodes too_big']);
  });

  it('labels longer than 200 characters are rejected', () => {
    expect(issuesOf(dag([llm('a', 'x', { label: 'l'.repeat(201) })])).map((i) => i.path)).toEqual([
      'nodes.0.label',
    ]);
  });
});

describe('validateDag: several problems at once', () => {
  it('reports schema and graph problems together, each with its own path', () => {
    const issues = issuesOf(
      dag(
        [
          llm('a', 'x', { gate: { maxTries: 0, target: 2 } }),
          llm('a'),
          { id: 'k', kind: 'shell', prompt: 'rm -rf /' },
          llm('c', 'uses {{zzz}}'),
          llm('item'),
        ],
        [edge('a', 'ghost'), edge('c', 'c'), edge('a', 'c'), edge('c', 'k'), edge('k', 'a')],
      ),
    );
    const got = issues.map((i) => `${i.path} ${i.code}`);
    expect(got).toEqual(
      expect.arrayContaining([
        'nodes.0.gate.maxTries too_small',
        'nodes.0.gate.target too_big',
        'nodes.2.kind invalid_union',
        'nodes.1.id duplicate_id',
        'nodes.4.id reserved_id',
        'edges.0.target unknown_node',
        'edges.1 self_loop',
        'edges cycle',
        'nodes.3.prompt bad_reference',
      ]),
    );
    expect(got).toHaveLength(9);
    expect(cycleNames(issues.find((i) => i.code === 'cycle')?.message ?? '')).toEqual(['a', 'c', 'k', 'a']);
  });

  it('every issue has a string path, code and message', () => {
    for (const i of issuesOf(dag([llm('a', '{{b}}'), llm('a')], [edge('a', 'z')])))
      expect(i).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
  });
});

describe('validateDag: never throws', () => {
  const wellFormed = (r: ReturnType<typeof validateDag>) => {
    expect(typeof r.ok).toBe('boolean');
    if (!r.ok) {
      expect(r.issues.length).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(typeof i.path).toBe('string');
        expect(typeof i.code).toBe('string');
        expect(typeof i.message).toBe('string');
      }
    }
  };

  it('on non-objects, the document itself is the path', () => {
    for (const input of [null, undefined, 42, 'dag', [], [llm('a')], true])
      expect(issuesOf(input).map((i) => i.path)).toEqual(['']);
  });

  it('on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        wellFormed(validateDag(input));
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary values, including odd prototypes, maps, sets and bigints', () => {
    const any = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withObjectString: true,
      withSet: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(any, (input) => {
        wellFormed(validateDag(input));
      }),
      { numRuns: 300 },
    );
    // The same inside a DAG-shaped shell, so the graph checks see the junk too.
    fc.assert(
      fc.property(any, any, any, (a, b, c) => {
        wellFormed(validateDag({ id: 'd', nodes: [a, { id: 'n', kind: 'llm', prompt: b }], edges: [c] }));
        wellFormed(validateDag({ id: 'd', nodes: [{ id: 'n', kind: 'transform', mapping: a }], edges: b }));
      }),
      { numRuns: 300 },
    );
  });

  it('on mutated valid DAGs', () => {
    fc.assert(
      fc.property(acyclicDagArb(12), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (d, ms) => {
        const r = validateDag(mutate(d.dag, ms));
        wellFormed(r);
        // Whatever survives validation must itself be valid input.
        if (r.ok) expect(validateDag(r.value).ok).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('on getters that throw, proxies and self-referencing mappings', () => {
    const trap = Object.defineProperty({ id: 'd', edges: [] }, 'nodes', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(issuesOf(trap)).toEqual([expect.objectContaining({ path: '', code: 'invalid' })]);
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    wellFormed(validateDag(proxy));
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    wellFormed(validateDag(dag([{ id: 't', kind: 'transform', mapping: loop }])));
    expect(validateDag(dag([{ id: 't', kind: 'transform', mapping: loop }])).ok).toBe(false);
  });
});

describe('validateDag: random DAGs', () => {
  it('random acyclic DAGs whose templates reference random ancestors validate clean', () => {
    fc.assert(
      fc.property(acyclicDagArb(40), (d) => {
        expectValid(d.dag);
      }),
      { numRuns: 200 },
    );
  });

  it('a reference to a node that is not an ancestor is always reported at that node', () => {
    fc.assert(
      fc.property(acyclicDagArb(15), fc.nat(), fc.nat(), (d, x, y) => {
        const n = d.ids.length;
        const at = x % n;
        // Node `at` referencing the node after or at itself: never an ancestor, edges only go forward.
        const target = d.ids[at + (y % (n - at))] as string;
        const nodes = clone(d.dag.nodes) as Array<Record<string, unknown>>;
        const node = nodes[at] as Record<string, unknown>;
        const field = node.kind === 'transform' ? 'mapping' : 'prompt';
        node[field] = `late {{${target}}}`;
        const issues = issuesOf({ ...d.dag, nodes });
        expect(issues).toContainEqual({
          path: `nodes.${at}.${field}`,
          code: 'bad_reference',
          message: `{{${target}}}: "${target}" is not upstream of "${d.ids[at]}"`,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('an injected back edge is reported as one cycle whose message names a real cycle through it', () => {
    fc.assert(
      fc.property(cyclicDagArb(40), (d) => {
        const issues = issuesOf(d.dag);
        expect(issues.map((i) => `${i.path} ${i.code}`)).toEqual(['edges cycle']);
        const names = cycleNames((issues[0] as Issue).message);
        const edgeSet = new Set(d.edges.map(([s, t]) => `${d.ids[s]}\u0000${d.ids[t]}`));
        expect(names.length).toBeGreaterThanOrEqual(3);
        expect(names[0]).toBe(names[names.length - 1]);
        expect(new Set(names).size).toBe(names.length - 1);
        for (let i = 0; i + 1 < names.length; i++)
          expect(edgeSet.has(`${names[i]}\u0000${names[i + 1]}`)).toBe(true);
        // Everything else is acyclic, so every cycle runs through the back edge.
        const [from, to] = d.back;
        expect(names).toContain(d.ids[from]);
        expect(names).toContain(d.ids[to]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validateDag: large documents', () => {
  const N = 10_000;
  const chainNodes = Array.from({ length: N }, (_, i) =>
    llm(`n${i}`, i === 0 ? 'start' : `next after {{n${i - 1}}}`),
  );
  const chainEdges = Array.from({ length: N - 1 }, (_, i) => edge(`n${i}`, `n${i + 1}`));

  it('a 10,000-node chain validates without overflowing the stack (and in reasonable time)', () => {
    const value = expectValid(dag(chainNodes, chainEdges));
    expect(value.nodes).toHaveLength(N);
  }, 20_000);

  it('a 10,000-node chain where every node reads the first one validates', () => {
    const nodes = chainNodes.map((n, i) => (i === 0 ? n : llm(`n${i}`, 'root is {{n0}}')));
    expectValid(dag(nodes, chainEdges));
  }, 20_000);

  it('a 10,000-node ring reports its cycle with every node named', () => {
    const issues = issuesOf(dag(chainNodes, [...chainEdges, edge(`n${N - 1}`, 'n0')]));
    expect(issues.map((i) => i.code)).toEqual(['cycle']);
    const names = cycleNames((issues[0] as Issue).message);
    expect(names).toHaveLength(N + 1);
    expect(names[0]).toBe('n0');
    expect(names[N]).toBe('n0');
  }, 20_000);

  it('a 10,000-node chain with a late reference to a downstream node reports just that', () => {
    const nodes = [...chainNodes];
    nodes[5] = llm('n5', 'peek at {{n9999}}');
    expect(pathsAndCodes(dag(nodes, chainEdges))).toEqual(['nodes.5.prompt bad_reference']);
  }, 20_000);
});

describe('validateDag: ids that would reach Object.prototype', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses the node id %s', (id) => {
    const r = validateDag({ id: 'd', nodes: [{ id, kind: 'transform', mapping: {} }] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues).toContainEqual(expect.objectContaining({ path: 'nodes.0.id', code: 'reserved_id' }));
  });
});
