import { autoTier, type NodeSpec, NodeSpecSchema } from '../dag.ts';
import { buildGraph, descendants } from '../graph.ts';
import { fromZodIssues, summarizeIssues } from '../issues.ts';
import type { Json } from '../signals.ts';
import { resolveMapping, type TemplateScope } from '../template.ts';
import { tierIndex } from './dag-index.ts';
import { addNode, link, type NodeInit } from './lifecycle.ts';
import type { NodeRecord, Resolution } from './node-record.ts';
import { mapChild, type SpawnOptions } from './operations.ts';
import { ProviderError } from './provider.ts';
import type { RunState } from './run-state.ts';

/**
 * Adds a node at run time for `parent` (`ctx.spawn`, `map`): bounded by `maxSpawn`, checked like a DAG
 * node, and refused when it would wait for something that waits for `parent`.
 */
export const spawn = (
  run: RunState,
  parent: NodeRecord,
  raw: Record<string, unknown>,
  opts: SpawnOptions = {},
): string => {
  if (run.cancelled) throw new ProviderError('the run is cancelled', 'cancelled', false);
  let id = opts.id ?? `${parent.id}[${run.spawned}]`;
  const existing = run.nodes.get(id);
  // After a restart the parent runs again: a child whose chain succeeded is reused, and one the log
  // left unfinished is taken up where it was.
  const mine = existing?.parentId === parent.id ? existing : undefined;
  // The attempt that replaces one a restart interrupted takes up the children the log holds, as they
  // are; any attempt reuses a child whose chain succeeded.
  if (mine && (mine.reuseBy === parent.attempt || mine.resolution?.ok)) return id;
  // A retry's child is a new node, named after the try (attempts a restart interrupted do not count).
  if (mine) id = `${id}~${parent.attempt - parent.interrupted}`;
  if (run.nodes.has(id)) throw new ProviderError(`node id "${id}" already exists`, 'duplicate_id', false);
  if (run.spawned >= run.maxSpawn)
    throw new ProviderError(`spawn limit of ${run.maxSpawn} reached`, 'spawn_limit', false);
  const spec = spawnedSpec(raw, id);
  // A dependency on a node of an escalation chain waits for the chain's end, like any dependent:
  // only the chain's root is ever resolved, so depending on `x@t1` itself would wait forever.
  const deps = [...new Set((opts.dependsOn ?? []).map((d) => run.nodes.get(d)?.rootId ?? d))];
  const below = deps.length > 0 ? waitingOn(run, parent) : undefined;
  for (const d of deps) {
    if (!run.nodes.has(d))
      throw new ProviderError(`spawned node depends on unknown node "${d}"`, 'invalid_spawn', false);
    // The parent waits for its children, so a child that waits for the parent (or what follows it) is a cycle.
    if (below?.has(d))
      throw new ProviderError(`spawned node "${id}" depending on "${d}" would form a cycle`, 'cycle', false);
  }
  const init = spawnedInit(run, parent, spec, opts, deps);
  run.spawned++;
  link(run, addNode(run, spec, init, { parentId: parent.id, spawnReason: 'spawn' }));
  return id;
};

/** A spawned node's spec, checked like a DAG node's. */
export const spawnedSpec = (raw: Record<string, unknown>, id: string): NodeSpec => {
  const parsed = NodeSpecSchema.safeParse({ ...raw, id: 'spawned' });
  if (!parsed.success)
    throw new ProviderError(
      `invalid spawned node: ${summarizeIssues(fromZodIssues(parsed.error.issues))}`,
      'invalid_spawn',
      false,
    );
  return { ...parsed.data, id } as NodeSpec;
};

/** Where a node `parent` spawns starts: its tiers (from the parent's by default) and its scope. */
export const spawnedInit = (
  run: RunState,
  parent: NodeRecord,
  spec: NodeSpec,
  opts: SpawnOptions,
  deps: string[],
): NodeInit & { scope: TemplateScope } => ({
  rootId: spec.id,
  // A node made at run time has no history of its own: "auto" starts it where its parent is.
  tier: tierIndex(
    run,
    spec.startTier === autoTier ? undefined : spec.startTier,
    parent.tier,
    'startTier',
    spec.id,
  ),
  maxTier: tierIndex(run, spec.maxTier, parent.maxTier, 'maxTier', spec.id),
  deps,
  scope: opts.scope ? Object.assign(Object.create(run.scope) as TemplateScope, opts.scope) : run.scope,
});

/**
 * Every node that may be waiting for `parent` to finish, so a node `parent` spawns must not wait for
 * any of them: `parent`, the root of its escalation chain (dependents wait for the chain's end), what
 * follows that root, and the same again for whoever spawned the root (it may be in `waitFor`).
 */
const waitingOn = (run: RunState, parent: NodeRecord): Set<string> => {
  const all = [...run.nodes.values()];
  const graph = buildGraph({
    nodes: all,
    edges: all.flatMap((n) => n.deps.map((d) => ({ source: d, target: n.id }))),
  });
  const out = new Set<string>();
  for (let x: NodeRecord | undefined = parent; x !== undefined && !out.has(x.id); ) {
    const root = run.nodes.get(x.rootId) as NodeRecord;
    out.add(x.id).add(root.id);
    for (const id of descendants(graph, root.id)) out.add(id);
    x = root.parentId === undefined ? undefined : run.nodes.get(root.parentId);
  }
  return out;
};

/** Waits for nodes (each to the end of its escalation chain) to succeed; their outputs, in order. */
export const waitFor = (run: RunState, parent: NodeRecord, waitIds: string[]): Promise<Json[]> => {
  // Waiting holds no slot: with a concurrency of 1 the children could otherwise never start.
  parent.work?.release();
  return Promise.all(
    waitIds.map(
      (id) =>
        new Promise<Json>((resolve, reject) => {
          // Waiting on any node of an escalation chain waits for the chain's end (its root resolves).
          const node = run.nodes.get(id);
          const root = node && run.nodes.get(node.rootId);
          if (!root) return reject(new ProviderError(`unknown node "${id}"`, 'unknown_node', false));
          const done = (r: Resolution) =>
            r.ok
              ? resolve(r.output ?? null)
              : reject(new ProviderError(`child ${id} did not succeed (${r.skip})`, 'child_failed', false));
          if (root.resolution) done(root.resolution);
          else if (root.waiters === undefined) root.waiters = [done];
          else root.waiters.push(done);
        }),
    ),
  );
};

/** The child `id` of map `parent` (`<map>[<index>]`), made as the map makes it; undefined otherwise. */
export const mapChildOf = (
  parent: NodeRecord,
  id: string,
): { spec: NodeSpec; options: SpawnOptions } | undefined => {
  const spec = parent.spec;
  if (spec.kind !== 'map' || !id.startsWith(`${parent.id}[`) || !id.endsWith(']')) return undefined;
  const index = Number(id.slice(parent.id.length + 1, -1));
  const items = resolveMapping(spec.items, parent.scope);
  if (!Array.isArray(items) || !Number.isInteger(index) || index < 0 || index >= items.length)
    return undefined;
  const c = mapChild(spec, parent.id, items[index] as Json, index);
  return { spec: spawnedSpec(c.spec, id), options: c.options };
};
