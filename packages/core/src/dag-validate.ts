import { autoTier, type DagSpec, DagSpecSchema, dagLimits, type TierRef } from './dag.ts';
import { buildGraph, findCycles, type Graph, stronglyConnected } from './graph.ts';
import { fromZodIssues, type Issue, type Validated } from './issues.ts';
import { checkRunInput } from './run-inputs.ts';
import type { Json } from './signals.ts';
import { storableIssues } from './storable.ts';
import { mappingTemplates, refRoot, reservedRoots, templateRefs } from './template.ts';

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface RawNode {
  index: number;
  id: string;
  raw: Raw;
}
interface RawEdge {
  index: number;
  source: string;
  target: string;
}

/** Nodes and edges well-formed enough to check the graph, even when the schema rejected other parts. */
const extract = (input: Raw): { nodes: RawNode[]; edges: RawEdge[] } => {
  const nodes: RawNode[] = [];
  const edges: RawEdge[] = [];
  if (Array.isArray(input.nodes))
    input.nodes.forEach((raw, index) => {
      const id = isObj(raw) ? str(raw.id) : undefined;
      if (id !== undefined) nodes.push({ index, id, raw: raw as Raw });
    });
  if (Array.isArray(input.edges))
    input.edges.forEach((raw, index) => {
      const source = isObj(raw) ? str(raw.source) : undefined;
      const target = isObj(raw) ? str(raw.target) : undefined;
      if (source !== undefined && target !== undefined) edges.push({ index, source, target });
    });
  return { nodes, edges };
};

const issue = (path: PropertyKey[], code: string, message: string): Issue => ({
  path: path.map(String).join('.'),
  code,
  message,
});

/** Template-bearing fields of a node, with their paths relative to the node. */
const nodeTemplates = (raw: Raw): Array<[PropertyKey[], string]> => {
  const out: Array<[PropertyKey[], string]> = [];
  for (const key of ['prompt', 'system', 'items'] as const) {
    const v = str(raw[key]);
    if (v !== undefined) out.push([[key], v]);
  }
  for (const key of ['mapping', 'payload'] as const)
    if (raw[key] !== undefined)
      for (const [p, t] of mappingTemplates(raw[key] as Json)) out.push([[key, ...p], t]);
  return out;
};

const checkIds = (nodes: RawNode[]): Issue[] => {
  const out: Issue[] = [];
  const first = new Map<string, number>();
  for (const n of nodes) {
    const prev = first.get(n.id);
    if (prev !== undefined)
      out.push(
        issue(
          ['nodes', n.index, 'id'],
          'duplicate_id',
          `duplicate node id "${n.id}" (also nodes.${prev}.id)`,
        ),
      );
    else first.set(n.id, n.index);
    if ((reservedRoots as readonly string[]).includes(n.id))
      out.push(issue(['nodes', n.index, 'id'], 'reserved_id', `"${n.id}" is reserved for templates`));
  }
  return out;
};

const checkEdges = (nodes: RawNode[], edges: RawEdge[]): Issue[] => {
  const out: Issue[] = [];
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of edges) {
    for (const end of ['source', 'target'] as const)
      if (!ids.has(e[end]))
        out.push(issue(['edges', e.index, end], 'unknown_node', `edge ${end} "${e[end]}" is not a node`));
    if (e.source === e.target)
      out.push(issue(['edges', e.index], 'self_loop', `edge from "${e.source}" to itself`));
  }
  return out;
};

const checkCycles = (graph: Graph): Issue[] =>
  findCycles(graph).map((cycle) => issue(['edges'], 'cycle', `cycle: ${cycle.join(' → ')}`));

/**
 * `isUpstream(id, root)`: does `id` depend on `root` (is `root` in `ancestors(graph, id)`)? Ancestor
 * sets are bitsets, one per strongly connected component, filled ancestors-first in O(E·V/32); a BFS
 * per node made a 10,000-node DAG take seconds to validate (and minutes with a cycle).
 */
const upstreamTest = (graph: Graph): ((id: string, root: string) => boolean) => {
  const pos = new Map(graph.ids.map((id, i) => [id, i]));
  const words = (graph.ids.length + 31) >>> 5;
  const bits = new Map<string, Uint32Array>();
  const set = (b: Uint32Array, i: number) => {
    b[i >>> 5] = (b[i >>> 5] as number) | (1 << (i & 31));
  };
  for (const scc of stronglyConnected(graph, 'preds')) {
    const b = new Uint32Array(words);
    const inside = new Set(scc);
    let cyclic = scc.length > 1;
    for (const v of scc)
      for (const p of graph.preds.get(v) as string[]) {
        if (inside.has(p)) {
          cyclic = true; // a self-loop, or an edge inside the component
          continue;
        }
        const pb = bits.get(p) as Uint32Array;
        for (let w = 0; w < words; w++) b[w] = (b[w] as number) | (pb[w] as number);
        set(b, pos.get(p) as number);
      }
    // On a cycle every member is its own ancestor, and the others'.
    if (cyclic) for (const v of scc) set(b, pos.get(v) as number);
    for (const v of scc) bits.set(v, b);
  }
  return (id, root) => {
    const i = pos.get(root);
    const b = bits.get(id);
    return i !== undefined && b !== undefined && ((b[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  };
};

const checkTemplates = (nodes: RawNode[], graph: Graph): Issue[] => {
  const out: Issue[] = [];
  const ids = new Set(graph.ids);
  const isUpstream = upstreamTest(graph);
  for (const n of nodes) {
    const isMap = n.raw.kind === 'map';
    for (const [path, template] of nodeTemplates(n.raw))
      for (const ref of templateRefs(template)) {
        const root = refRoot(ref);
        if (root === 'inputs') continue;
        if (root === 'item' || root === 'index') {
          if (!isMap || path[0] !== 'prompt')
            out.push(
              issue(
                ['nodes', n.index, ...path],
                'bad_reference',
                `{{${ref}}} is only defined in a map node's prompt`,
              ),
            );
          continue;
        }
        if (isUpstream(n.id, root)) continue;
        const why = ids.has(root) ? 'is not upstream of' : 'is not a node, referenced by';
        out.push(
          issue(['nodes', n.index, ...path], 'bad_reference', `{{${ref}}}: "${root}" ${why} "${n.id}"`),
        );
      }
  }
  return out;
};

/** The ladder index a tier reference names, or `undefined` when it names no rung. */
export const resolveTierRef = (ref: TierRef, ladder: ReadonlyArray<{ name: string }>): number | undefined => {
  if (typeof ref === 'number') return ref < ladder.length ? ref : undefined;
  const i = ladder.findIndex((t) => t.name === ref);
  return i < 0 ? undefined : i;
};

const checkTiers = (dag: DagSpec): Issue[] => {
  const out: Issue[] = [];
  const ladder = dag.ladder;
  dag.nodes.forEach((n, i) => {
    const resolved: Partial<Record<'startTier' | 'maxTier', number>> = {};
    for (const key of ['startTier', 'maxTier'] as const) {
      const ref = n[key];
      // "auto" is the start-tier policy's, never a rung's name.
      if (ref === undefined || (key === 'startTier' && ref === autoTier)) continue;
      if (ladder === undefined) {
        if (typeof ref === 'number') resolved[key] = ref;
        continue;
      }
      const idx = resolveTierRef(ref, ladder);
      if (idx === undefined)
        out.push(
          issue(['nodes', i, key], 'unknown_tier', `tier ${JSON.stringify(ref)} is not in the DAG's ladder`),
        );
      else resolved[key] = idx;
    }
    if (
      resolved.startTier !== undefined &&
      resolved.maxTier !== undefined &&
      resolved.startTier > resolved.maxTier
    )
      out.push(issue(['nodes', i, 'maxTier'], 'tier_order', 'maxTier is below startTier'));
  });
  const start = dag.startTier;
  if (
    ladder !== undefined &&
    start !== undefined &&
    start !== autoTier &&
    resolveTierRef(start, ladder) === undefined
  )
    out.push(
      issue(['startTier'], 'unknown_tier', `tier ${JSON.stringify(start)} is not in the DAG's ladder`),
    );
  return out;
};

/**
 * Defaults declared in an input schema, and the DAG's own inputs, must pass it; and each field must
 * let some value pass, or every run of the DAG would be refused.
 */
const checkInputSchema = (dag: DagSpec): Issue[] => {
  const schema = dag.inputSchema;
  if (!schema) return [];
  const out: Issue[] = [];
  for (const [name, field] of Object.entries(schema.properties)) {
    const at = ['inputSchema', 'properties', name];
    for (const [min, max] of [
      ['minimum', 'maximum'],
      ['minLength', 'maxLength'],
    ] as const) {
      const low = field[min];
      const high = field[max];
      if (low !== undefined && high !== undefined && high < low)
        out.push(issue([...at, max], 'impossible_input', `is below ${min} ${low}: no value could pass`));
    }
    const { enum: choices, default: _, ...rule } = field;
    choices?.forEach((v, i) => {
      for (const x of checkRunInput(rule, v, ''))
        out.push(issue([...at, 'enum', i], 'impossible_input', `${x.message}, so it can never be chosen`));
    });
    if (field.default !== undefined)
      out.push(...checkRunInput(field, field.default, `inputSchema.properties.${name}.default`));
    const given = dag.inputs?.[name];
    if (given !== undefined) out.push(...checkRunInput(field, given, `inputs.${name}`));
  }
  return out;
};

/**
 * Validates an untrusted DAG document. Never throws: returns the parsed DAG, or every problem found,
 * each with the path of the field it concerns (duplicate ids, unknown edge endpoints, self-loops,
 * cycles naming their nodes, unknown kinds, gate config, template references that are not upstream).
 */
export const validateDag = (input: unknown): Validated<DagSpec> => {
  try {
    // Unstorable text or deep nesting: reported alone, since the readers below recurse.
    const unstorable = storableIssues(input);
    if (unstorable.length > 0) return { ok: false, issues: unstorable };
    const parsed = DagSpecSchema.safeParse(input);
    const issues: Issue[] = parsed.success ? [] : fromZodIssues(parsed.error.issues);
    const { nodes, edges } = isObj(input) ? extract(input) : { nodes: [], edges: [] };
    // Over the size limits the schema has already said so; checking the graph too would be unbounded work.
    if (nodes.length <= dagLimits.nodes && edges.length <= dagLimits.edges) {
      const graph = buildGraph({ nodes, edges });
      issues.push(
        ...checkIds(nodes),
        ...checkEdges(nodes, edges),
        ...checkCycles(graph),
        ...checkTemplates(nodes, graph),
      );
    }
    if (parsed.success) issues.push(...checkTiers(parsed.data), ...checkInputSchema(parsed.data));
    return issues.length === 0 && parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues };
  } catch (err) {
    // Pathological input (e.g. a getter that throws) must still produce an answer, not an exception.
    return { ok: false, issues: [issue([], 'invalid', `cannot read DAG: ${String(err)}`)] };
  }
};
