import { type NodeSpec, NodeSpecSchema } from '../dag.ts';
import { buildGraph, descendants } from '../graph.ts';
import { fromZodIssues, summarizeIssues } from '../issues.ts';
import type { Json } from '../signals.ts';
import type { TemplateScope } from '../template.ts';
import { tierIndex } from './dag-index.ts';
import { addNode, link } from './lifecycle.ts';
import type { NodeRecord, Resolution } from './node-record.ts';
import type { SpawnOptions } from './operations.ts';
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
  // After a restart the parent runs again: a child it spawned before that succeeded is reused.
  if (existing?.parentId === parent.id && existing.outcome === 'succeeded') return id;
  if (existing?.parentId === parent.id) id = `${id}~${parent.attempt}`;
  if (run.nodes.has(id)) throw new ProviderError(`node id "${id}" already exists`, 'duplicate_id', false);
  if (run.spawned >= run.maxSpawn)
    throw new ProviderError(`spawn limit of ${run.maxSpawn} reached`, 'spawn_limit', false);
  const parsed = NodeSpecSchema.safeParse({ ...raw, id: 'spawned' });
  if (!parsed.success)
    throw new ProviderError(
      `invalid spawned node: ${summarizeIssues(fromZodIssues(parsed.error.issues))}`,
      'invalid_spawn',
      false,
    );
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
  run.spawned++;
  const spec = { ...parsed.data, id } as NodeSpec;
  const node = addNode(
    run,
    spec,
    {
      rootId: id,
      tier: tierIndex(run, spec.startTier, parent.tier, 'startTier', id),
      maxTier: tierIndex(run, spec.maxTier, parent.maxTier, 'maxTier', id),
      deps,
      scope: opts.scope ? Object.assign(Object.create(run.scope) as TemplateScope, opts.scope) : run.scope,
    },
    { parentId: parent.id, spawnReason: 'spawn' },
  );
  link(run, node);
  return id;
};

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
