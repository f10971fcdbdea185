import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EscalationError,
  type Json,
  type Ladder,
  type OperationContext,
  operations,
  ProviderError,
} from '../src/index.ts';
import {
  buildDag,
  foldEach,
  ladderOf,
  only,
  pick,
  runDag,
  scriptedProvider,
  typesOf,
  within,
} from './run-helpers.ts';

/*
 * The executor has no per-run operation registry (RunOptions has no `operations`), so to give a test
 * node custom work we patch the module-level `operations.transform` for this file only: a transform
 * node whose id has a script runs the script, every other transform works as usual.
 */
type Script = (ctx: OperationContext) => Promise<Json>;
const scripts = new Map<string, Script>();
const original = operations.transform;
beforeAll(() => {
  operations.transform = {
    work: (ctx, context) => {
      const script = scripts.get(ctx.nodeId);
      if (script) return script(ctx);
      if (!original) throw new Error('no transform operation');
      return original.work(ctx, context);
    },
  };
});
afterAll(() => {
  operations.transform = original;
});

/** A DAG where `p` (and any other ids in `scripted`) run the given scripts. */
const scripted = (defs: Record<string, Script>, extra: { nodes?: unknown[]; edges?: unknown[] } = {}) => {
  scripts.clear();
  for (const [id, fn] of Object.entries(defs)) scripts.set(id, fn);
  return buildDag({
    nodes: [
      ...Object.keys(defs)
        .filter((id) => !(extra.nodes ?? []).some((n) => (n as { id: string }).id === id))
        .map((id) => ({ id, kind: 'transform', mapping: null })),
      ...(extra.nodes ?? []),
    ],
    edges: extra.edges ?? [],
  });
};

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof ProviderError ? e.code : String(e);
  }
};

describe('ctx.spawn', () => {
  it('adds nodes at run time; waitFor returns their outputs in order', async () => {
    const dag = scripted(
      {
        p: async (ctx) => {
          const ids = [
            ctx.spawn({ kind: 'llm', prompt: 'one', sim: { answer: 'first', latencyMs: 300 } }),
            ctx.spawn({ kind: 'llm', prompt: 'two', sim: { answer: 'second', latencyMs: 100 } }),
          ];
          return ctx.waitFor(ids);
        },
      },
      {
        nodes: [{ id: 'q', kind: 'transform', mapping: { got: '{{p}}' } }],
        edges: [{ source: 'p', target: 'q' }],
      },
    );
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(pick(signals, 'node.queued').map((s) => [s.nodeId, s.parentId, s.spawnReason])).toEqual([
      ['p', undefined, undefined],
      ['q', undefined, undefined],
      ['p[0]', 'p', 'spawn'],
      ['p[1]', 'p', 'spawn'],
    ]);
    expect(pick(signals, 'node.succeeded').map((s) => s.nodeId)).toEqual(['p[1]', 'p[0]', 'p', 'q']);
    expect(result.outputs).toEqual({ p: ['first', 'second'], q: { got: ['first', 'second'] } });
    expect(result.view.nodes.get('p')?.children).toEqual(['p[0]', 'p[1]']);
    // Spawned nodes are not DAG nodes: they are not in `outputs`.
    expect(Object.keys(result.outputs)).toEqual(['p', 'q']);
  });

  it('a spawned node may depend on finished nodes and on siblings, and reads their outputs', async () => {
    const dag = scripted(
      {
        p: async (ctx) => {
          ctx.spawn({ kind: 'llm', prompt: 'base', sim: { answer: 'B' } }, { id: 'c1' });
          ctx.spawn(
            { kind: 'transform', mapping: ['{{a}}', '{{c1}}'] },
            { id: 'c2', dependsOn: ['a', 'c1'] },
          );
          return ctx.waitFor(['c2']);
        },
      },
      {
        nodes: [{ id: 'a', kind: 'transform', mapping: 'A' }],
        edges: [{ source: 'a', target: 'p' }],
      },
    );
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(result.outputs.p).toEqual([['A', 'B']]);
    const started = signals.findIndex((s) => s.type === 'node.started' && s.nodeId === 'c2');
    const c1done = signals.findIndex((s) => s.type === 'node.succeeded' && s.nodeId === 'c1');
    expect(c1done).toBeGreaterThan(0);
    expect(started).toBeGreaterThan(c1done);
  });

  it('children start at the spawner tier and may escalate; waitFor gets the chain end output', async () => {
    const dag = scripted({
      p: async (ctx) =>
        ctx.waitFor([
          ctx.spawn(
            {
              kind: 'llm',
              prompt: 'x',
              sim: { tiers: { small: { escalate: { reason: 'hard' } }, medium: { answer: 'M' } } },
            },
            { id: 'kid' },
          ),
        ]),
    });
    const { result, signals } = await runDag(dag, { ladder: ladderOf(2, false) });
    expect(only(signals, 'node.queued', 'kid').tier).toBe(0);
    expect(only(signals, 'node.escalated', 'kid').childId).toBe('kid@t1');
    expect(result.outputs.p).toEqual(['M']);
  });

  it('a child that fails makes waitFor reject (child_failed)', async () => {
    const dag = scripted({
      p: async (ctx) => ctx.waitFor([ctx.spawn({ kind: 'llm', prompt: 'x', sim: { failTimes: 1 } })]),
    });
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(only(signals, 'node.failed', 'p[0]').error.code).toBe('sim_failure');
    expect(only(signals, 'node.failed', 'p').error.code).toBe('child_failed');
    expect(result.status).toBe('failed');
  });

  it('the run waits for children nobody waits for', async () => {
    const dag = scripted({
      p: async (ctx) => {
        ctx.spawn({ kind: 'llm', prompt: 'x', sim: { latencyMs: 5000 } });
        return 'spawned';
      },
    });
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(pick(signals, 'node.succeeded').map((s) => s.nodeId)).toEqual(['p', 'p[0]']);
    expect(signals.at(-1)?.type).toBe('run.succeeded');
    expect(result.status).toBe('succeeded');
  });

  it('a spawner waiting for its children holds no slot (maxConcurrency 1 does not deadlock)', async () => {
    const dag = scripted({
      p: async (ctx) =>
        ctx.waitFor(
          [0, 1, 2].map((i) => ctx.spawn({ kind: 'llm', prompt: `x${i}`, sim: { latencyMs: 10 } })),
        ),
    });
    const { result } = await within(runDag(dag, { ladder: ladderOf(1, false), maxConcurrency: 1 }), 2000);
    expect(result.status).toBe('succeeded');
  });

  it('spawn is bounded per run (maxSpawn): the next spawn is refused with spawn_limit', async () => {
    const dag = scripted({
      p: async (ctx) =>
        [0, 1, 2].map((i) => codeOf(() => ctx.spawn({ kind: 'transform', mapping: i }, { id: `k${i}` }))),
    });
    const { result, signals } = await runDag(dag, { maxSpawn: 2 });
    expect(result.outputs.p).toEqual(['ok', 'ok', 'spawn_limit']);
    expect(pick(signals, 'node.queued').map((s) => s.nodeId)).toEqual(['p', 'k0', 'k1']);
    expect(result.status).toBe('succeeded');
  });

  it('a refused spawn that is not caught fails the spawner for good (no retry)', async () => {
    const dag = scripted({
      p: async (ctx) => {
        ctx.spawn({ kind: 'transform', mapping: 1 });
        return null;
      },
    });
    dag.nodes[0] = {
      ...(dag.nodes[0] as (typeof dag.nodes)[number]),
      retries: { max: 3, backoffMs: 1, factor: 2, maxBackoffMs: 1, jitter: 0 },
    };
    const { result, signals } = await runDag(dag, { maxSpawn: 0 });
    expect(only(signals, 'node.failed', 'p')).toMatchObject({
      error: { code: 'spawn_limit' },
      willRetry: false,
    });
    expect(result.status).toBe('failed');
  });

  it('a spawn that depends on its spawner is a cycle and is refused', async () => {
    const dag = scripted(
      {
        p: async (ctx) => [
          codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { id: 'self', dependsOn: [ctx.nodeId] })),
          codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { id: 'down', dependsOn: ['q'] })),
          codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { id: 'deeper', dependsOn: ['r'] })),
          codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { id: 'fine', dependsOn: ['a'] })),
        ],
      },
      {
        nodes: [
          { id: 'a', kind: 'transform', mapping: 'A' },
          { id: 'q', kind: 'transform', mapping: 'Q' },
          { id: 'r', kind: 'transform', mapping: 'R' },
        ],
        edges: [
          { source: 'a', target: 'p' },
          { source: 'p', target: 'q' },
          { source: 'q', target: 'r' },
        ],
      },
    );
    const { result, signals } = await runDag(dag);
    expect(result.outputs.p).toEqual(['cycle', 'cycle', 'cycle', 'ok']);
    expect(pick(signals, 'node.queued').map((s) => s.nodeId)).toEqual(['p', 'a', 'q', 'r', 'fine']);
    expect(result.status).toBe('succeeded');
  });

  it('a grandchild that depends on the node that spawned its spawner is a cycle and is refused', async () => {
    const dag = scripted({
      p: async (ctx) => ctx.waitFor([ctx.spawn({ kind: 'transform', mapping: null }, { id: 'c' })]),
      // `g` would wait for `p`, which waits for `c`, which waits for `g`.
      c: async (ctx) => {
        const code = codeOf(() =>
          ctx.spawn({ kind: 'transform', mapping: 1 }, { id: 'g', dependsOn: ['p'] }),
        );
        if (code === 'ok') await ctx.waitFor(['g']);
        return code;
      },
    });
    // `c` has a script too, but it is spawned, not a DAG node.
    dag.nodes = dag.nodes.filter((n) => n.id === 'p');
    const { result } = await within(runDag(dag), 2000);
    expect(result.outputs.p).toEqual(['cycle']);
    expect(result.status).toBe('succeeded');
  });

  it('depending on a node of an escalation chain waits for the chain end (no hang)', async () => {
    const dag = scripted(
      {
        p: async (ctx) =>
          ctx.waitFor([ctx.spawn({ kind: 'transform', mapping: '{{x}}' }, { id: 'k', dependsOn: ['x@t1'] })]),
      },
      {
        nodes: [
          {
            id: 'x',
            kind: 'llm',
            prompt: 'x',
            sim: { tiers: { small: { escalate: { reason: 'r' } }, medium: { answer: 'M' } } },
          },
        ],
        edges: [{ source: 'x', target: 'p' }],
      },
    );
    const { result } = await within(runDag(dag, { ladder: ladderOf(2, false) }), 2000);
    expect(result.outputs.p).toEqual(['M']);
  });

  it('waitFor on an escalation child waits for the chain end (no hang)', async () => {
    const dag = scripted({
      p: async (ctx) => {
        ctx.spawn(
          {
            kind: 'llm',
            prompt: 'q',
            sim: { tiers: { small: { escalate: { reason: 'r' } }, medium: { answer: 'M', latencyMs: 100 } } },
          },
          { id: 'k' },
        );
        await ctx.sleep(10);
        return ctx.waitFor(['k@t1']);
      },
    });
    const { result, signals } = await within(runDag(dag, { ladder: ladderOf(2, false) }), 2000);
    expect(only(signals, 'node.queued', 'k@t1').at).toBe(only(signals, 'node.queued', 'k').at);
    expect(result.outputs.p).toEqual(['M']);
  });

  it('an escalation child that spawns a node depending on its own chain is refused (cycle)', async () => {
    const dag = scripted(
      {
        p: async (ctx) => {
          throw new EscalationError({
            reason: 'up',
            trigger: 'manual',
            urgency: 'blocked',
            fromTier: ctx.tier,
          });
        },
      },
      { nodes: [{ id: 'q', kind: 'transform', mapping: '{{p}}' }], edges: [{ source: 'p', target: 'q' }] },
    );
    // The child `p@t1` re-does p's work: it spawns nodes that would wait for p's chain or its dependents.
    scripts.set('p@t1', async (ctx) => [
      codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { dependsOn: ['p'] })),
      codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { dependsOn: ['p@t1'] })),
      codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { dependsOn: ['q'] })),
    ]);
    const { result } = await within(runDag(dag, { ladder: ladderOf(2, false) }), 2000);
    expect(result.outputs.p).toEqual(['cycle', 'cycle', 'cycle']);
    expect(result.status).toBe('succeeded');
  });

  it('unknown dependencies, invalid specs and taken ids are refused', async () => {
    const dag = scripted(
      {
        p: async (ctx) => [
          codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { dependsOn: ['ghost'] })),
          codeOf(() => ctx.spawn({ kind: 'nope' })),
          codeOf(() => ctx.spawn({ kind: 'llm' })),
          codeOf(() => ctx.spawn({ kind: 'transform', mapping: 1 }, { id: 'a' })),
        ],
      },
      { nodes: [{ id: 'a', kind: 'transform', mapping: 'A' }] },
    );
    const { result, signals } = await runDag(dag);
    expect(result.outputs.p).toEqual(['invalid_spawn', 'invalid_spawn', 'invalid_spawn', 'duplicate_id']);
    expect(pick(signals, 'node.queued').map((s) => s.nodeId)).toEqual(['p', 'a']);
  });
});

describe('map', () => {
  // The probe answers `item:<n>` after n ms of virtual time, so later items can finish first.
  const timedProbe = () => {
    const probe = scriptedProvider(async (req, opts) => {
      const n = Number(req.prompt.split(':')[1]);
      await opts.sleep(n);
      return `done ${n}`;
    });
    return { probe, ladder: [{ ...(ladderOf(1, false)[0] as Ladder[number]), provider: 'probe' }] };
  };

  it('fans out one child per item and gathers the outputs in item order', async () => {
    const { probe, ladder } = timedProbe();
    const dag = buildDag({
      nodes: [
        { id: 'list', kind: 'transform', mapping: [300, 100, 200] },
        { id: 'm', kind: 'map', items: '{{list}}', prompt: 'item:{{item}}' },
        { id: 'after', kind: 'transform', mapping: '{{m}}' },
      ],
      edges: [
        { source: 'list', target: 'm' },
        { source: 'm', target: 'after' },
      ],
    });
    const { result, signals } = await runDag(dag, { ladder, providers: { probe } });
    expect(
      pick(signals, 'node.queued')
        .filter((s) => s.parentId === 'm')
        .map((s) => [s.nodeId, s.label, s.spawnReason]),
    ).toEqual([
      ['m[0]', 'm [0]', 'spawn'],
      ['m[1]', 'm [1]', 'spawn'],
      ['m[2]', 'm [2]', 'spawn'],
    ]);
    expect(probe.requests.map((r) => r.prompt)).toEqual(['item:300', 'item:100', 'item:200']);
    // They finish out of order …
    expect(
      pick(signals, 'node.succeeded')
        .map((s) => s.nodeId)
        .slice(1, 4),
    ).toEqual(['m[1]', 'm[2]', 'm[0]']);
    // … and the map's output keeps item order.
    expect(only(signals, 'node.succeeded', 'm').output).toEqual(['done 300', 'done 100', 'done 200']);
    expect(result.outputs.after).toEqual(['done 300', 'done 100', 'done 200']);
    expect(typesOf(signals, 'm')).toEqual(['node.queued', 'node.started', 'node.succeeded']);
  });

  it('an empty list gives an empty output and no children', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'list', kind: 'transform', mapping: [] },
        { id: 'm', kind: 'map', items: '{{list}}', prompt: 'x {{item}}' },
      ],
      edges: [{ source: 'list', target: 'm' }],
    });
    const { result, signals } = await runDag(dag);
    expect(result.outputs.m).toEqual([]);
    expect(pick(signals, 'node.queued')).toHaveLength(2);
  });

  it('children inherit the sim, gate and retries and run the item prompt', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'list', kind: 'transform', mapping: ['a', 'b'] },
        {
          id: 'm',
          kind: 'map',
          items: '{{list}}',
          prompt: 'do {{item}} #{{index}}',
          gate: { maxTries: 1, target: 0.5 },
          sim: { confidence: 0.9 },
        },
      ],
      edges: [{ source: 'list', target: 'm' }],
    });
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(result.outputs.m).toEqual(['[sim-small] do a #0', '[sim-small] do b #1']);
    expect(pick(signals, 'confidence.passed').map((s) => s.nodeId)).toEqual(['m[0]', 'm[1]']);
  });

  it('a map whose children outnumber the slots does not deadlock', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'list', kind: 'transform', mapping: [1, 2, 3, 4] },
        { id: 'm', kind: 'map', items: '{{list}}', prompt: 'x {{item}}', sim: { latencyMs: 10 } },
      ],
      edges: [{ source: 'list', target: 'm' }],
    });
    const { result, signals } = await within(
      runDag(dag, { ladder: ladderOf(1, false), maxConcurrency: 1 }),
      2000,
    );
    expect(result.outputs.m).toHaveLength(4);
    // Children never overlap (the waiting map holds no slot; ADR 0006).
    let kids = 0;
    foldEach(signals, (view) => {
      let running = 0;
      for (const [id, n] of view.nodes) if (id.startsWith('m[') && n.lane === 'running') running++;
      kids = Math.max(kids, running);
    });
    expect(kids).toBe(1);
  });

  it('fails with invalid_items when items is not a list, too_many_items above maxItems', async () => {
    const dag = (mapping: Json, maxItems?: number) =>
      buildDag({
        nodes: [
          { id: 'list', kind: 'transform', mapping },
          { id: 'm', kind: 'map', items: '{{list}}', prompt: 'x', ...(maxItems && { maxItems }) },
        ],
        edges: [{ source: 'list', target: 'm' }],
      });
    const a = await runDag(dag('not a list'));
    expect(only(a.signals, 'node.failed', 'm').error.code).toBe('invalid_items');
    const b = await runDag(dag([1, 2, 3], 2));
    expect(only(b.signals, 'node.failed', 'm').error.code).toBe('too_many_items');
    expect(pick(b.signals, 'node.queued')).toHaveLength(2);
  });

  it('map children count against maxSpawn', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'list', kind: 'transform', mapping: [1, 2, 3] },
        { id: 'm', kind: 'map', items: '{{list}}', prompt: 'x {{item}}' },
      ],
      edges: [{ source: 'list', target: 'm' }],
    });
    const { result, signals } = await runDag(dag, { maxSpawn: 2, ladder: ladderOf(1, false) });
    expect(only(signals, 'node.failed', 'm').error.code).toBe('spawn_limit');
    expect(pick(signals, 'node.queued', 'm[2]')).toEqual([]);
    expect(result.status).toBe('failed');
  });
});
