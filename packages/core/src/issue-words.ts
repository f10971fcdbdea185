import type { Issue } from './issues.ts';

/** What the wording needs of a DAG document, valid or not: node ids, labels and kinds, edge ends. */
export interface WordedDoc {
  nodes: ReadonlyArray<{ id: string; label?: unknown; kind?: unknown; [field: string]: unknown }>;
  edges: ReadonlyArray<{ id?: string; source?: unknown; target?: unknown }>;
}

/** One validation problem as a sentence, with the form field that fixes it. */
export interface Problem {
  text: string;
  /** The node or edge whose form holds the field; none for the DAG's own fields. */
  target?: { type: 'node' | 'edge'; id: string };
  /** The field to focus (its `data-field`), e.g. `prompt`, `gate.target`. */
  field: string;
  issue: Issue;
}

/** What a missing field is called in "X needs …". */
const NEEDS: Record<string, string> = {
  prompt: 'a prompt',
  items: 'a list to map over (Items)',
  mapping: 'a mapping',
  id: 'an id',
  kind: 'a kind',
};

/** Field paths in words: `gate.maxTries` → "gate tries". */
const WORDS: Record<string, string> = {
  'gate.target': 'Gate target',
  'gate.maxTries': 'Gate tries',
  'retries.max': 'Retries',
  startTier: 'Start tier',
  maxTier: 'Max tier',
  maxItems: 'Max items',
  timeoutMs: 'Timeout',
  system: 'System prompt',
};
const fieldWords = (path: string) => WORDS[path] ?? path.replace(/\./g, ' ');

/** A zod bound message ("Too big: expected number to be <=1") as words ("must be at most 1"). */
const bound = (message: string): string | undefined => {
  const m = /expected \w+ to (?:be|have) ([<>]=?)(-?[\d.]+)( \w+)?/.exec(message);
  if (!m) return undefined;
  const [, op, n, unit] = m;
  const words = { '<=': 'at most', '<': 'less than', '>=': 'at least', '>': 'more than' }[op as string];
  return unit ? `needs ${words} ${n}${unit}` : `must be ${words} ${n}`;
};

const nodeName = (doc: WordedDoc, index: number): string => {
  const n = doc.nodes[index];
  if (!n) return `Node ${index + 1}`;
  return typeof n.label === 'string' && n.label.trim() ? n.label : n.id;
};

const nodeProblem = (doc: WordedDoc, i: Issue, index: number, rest: string[]): Problem => {
  const node = doc.nodes[index];
  const name = nodeName(doc, index);
  const field = rest.join('.');
  const target = node && { type: 'node' as const, id: node.id };
  const at = (text: string, f = field || 'id'): Problem => ({
    text,
    field: f,
    issue: i,
    ...(target && { target }),
  });
  const absent = rest.length === 1 && node !== undefined && node[field] === undefined;
  const missing =
    absent || /received undefined/.test(i.message) || (i.code === 'too_small' && /string/.test(i.message));
  if (missing && NEEDS[field]) return at(`${name} needs ${NEEDS[field]}.`);
  switch (i.code) {
    case 'invalid_union':
      if (field === 'kind')
        return at(`${name} is of kind "${String(node?.kind)}", which laneflow does not know: choose a kind.`);
      break;
    case 'unrecognized_keys': {
      const keys = [...i.message.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      return at(
        `${name} has ${keys.length > 1 ? 'fields' : 'a field'} laneflow does not know: ${keys.join(', ')}.`,
        'kind',
      );
    }
    case 'duplicate_id':
      return at(`Two nodes are called "${node?.id}": each needs its own id.`);
    case 'reserved_id':
      return at(`${name} cannot be called "${node?.id}": that name is reserved for templates.`);
    case 'invalid_format':
      if (field === 'id') return at(`${name}'s id may only use A-Z, a-z, 0-9, _ and -.`);
      break;
    case 'bad_reference': {
      const ref = /^\{\{([^}]+)\}\}/.exec(i.message)?.[1] ?? '';
      const root = ref.split('.')[0];
      const where = fieldWords(rest[0] ?? field).toLowerCase();
      if (/only defined in a map/.test(i.message))
        return at(`${name}'s ${where} uses {{${ref}}}, which only a map node's prompt can use.`);
      if (/is not a node/.test(i.message))
        return at(`${name}'s ${where} uses {{${ref}}}, but there is no node "${root}".`);
      return at(
        `${name}'s ${where} uses {{${ref}}}, but ${root} does not run before it: connect ${root} to ${node?.id}.`,
      );
    }
    case 'unknown_tier':
      return at(
        `${name}'s ${fieldWords(field).toLowerCase()} ${/tier (.*) is not/.exec(i.message)?.[1] ?? ''} is not a tier of the DAG's ladder.`,
      );
    case 'tier_order':
      return at(`${name}'s max tier is below its start tier.`);
  }
  const limit = bound(i.message);
  if (limit) return at(`${name}: ${fieldWords(field)} ${limit}.`);
  if (missing) return at(`${name} needs ${fieldWords(field)}.`);
  return at(`${name}: ${field ? `${fieldWords(field)}: ` : ''}${i.message}.`);
};

const edgeProblem = (doc: WordedDoc, i: Issue, index: number, rest: string[]): Problem => {
  const e = doc.edges[index];
  const target = e?.id !== undefined ? { type: 'edge' as const, id: e.id } : undefined;
  const at = (text: string, field = rest.join('.') || 'label'): Problem => ({
    text,
    field,
    issue: i,
    ...(target && { target }),
  });
  const label = e ? `Edge from ${e.source} to ${e.target}` : `Edge ${index + 1}`;
  if (i.code === 'unknown_node')
    return at(
      rest[0] === 'source'
        ? `${label} starts at a node that does not exist.`
        : `${label} points to a node that does not exist.`,
    );
  if (i.code === 'self_loop') return at(`${label}: a node cannot depend on itself.`);
  const limit = bound(i.message);
  return at(`${label}: ${rest.length ? `${fieldWords(rest.join('.'))} ` : ''}${limit ?? i.message}.`);
};

const docProblem = (i: Issue, path: string[]): Problem => {
  const field = path[0] ?? 'id';
  const at = (text: string): Problem => ({ text, field, issue: i });
  if (path.length === 0) return at(`This is not a DAG: ${i.message.replace(/^Invalid input: /, '')}.`);
  if (field === 'nodes' && i.code === 'too_small')
    return at('The DAG needs at least one node: add one from the palette.');
  if (field === 'id')
    return at(
      /received undefined/.test(i.message)
        ? 'The DAG needs an id.'
        : "The DAG's id may only use A-Z, a-z, 0-9, _ and -.",
    );
  if (i.code === 'unrecognized_keys')
    return at(
      `The DAG has fields laneflow does not know: ${[...i.message.matchAll(/"([^"]+)"/g)].map((m) => m[1]).join(', ')}.`,
    );
  // inputSchema.properties.<name>.<rule…>: the run input by its name, then the rule.
  if (field === 'inputSchema' && path[1] === 'properties' && path[2] !== undefined)
    return at(
      `Run input "${path[2]}"${path.length > 3 ? `, ${fieldWords(path.slice(3).join('.'))},` : ''} ${bound(i.message) ?? i.message}.`,
    );
  return at(`The DAG's ${fieldWords(path.join('.'))}: ${bound(i.message) ?? i.message}.`);
};

/**
 * Every `validateDag` issue as a sentence a person understands ("Research: market needs a prompt.",
 * "Edge from plan to zzz points to a node that does not exist."), naming nodes by their label and
 * saying what to do where it can, with the node or edge and field a click should take the user to.
 */
export const describeIssue = (doc: WordedDoc, i: Issue): Problem => {
  const path = i.path ? i.path.split('.') : [];
  const [head, n, ...rest] = path;
  const index = Number(n);
  if (head === 'nodes' && Number.isInteger(index)) return nodeProblem(doc, i, index, rest);
  if (head === 'edges' && Number.isInteger(index)) return edgeProblem(doc, i, index, rest);
  if (i.code === 'cycle') {
    const loop = i.message.replace(/^cycle:\s*/, '');
    const first = loop.split(' → ')[0] ?? '';
    const node = doc.nodes.find((x) => x.id === first);
    return {
      text: `${loop} form a loop: remove one of its edges so the work can start.`,
      field: 'id',
      issue: i,
      ...(node && { target: { type: 'node' as const, id: node.id } }),
    };
  }
  return docProblem(i, path);
};
