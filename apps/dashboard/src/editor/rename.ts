import { NodeIdSchema, reservedRoots } from '@laneflow/core';
import type { EditorDoc, EditorNode } from './doc.ts';

/** Node fields whose strings are templates (a mapping or payload: every string leaf). */
const TEMPLATE_FIELDS = ['prompt', 'system', 'items', 'mapping', 'payload'] as const;

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `{{ from }}`, `{{from.a.0}}`: references whose root is `from`, not `fromage` or `inputs.from`. */
const refPattern = (from: string) => new RegExp(`(\\{\\{\\s*)${literal(from)}(?=[\\s.}])`, 'g');

const renameIn = (value: unknown, re: RegExp, to: string): unknown => {
  if (typeof value === 'string') return value.replace(re, `$1${to}`);
  if (Array.isArray(value)) return value.map((v) => renameIn(v, re, to));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameIn(v, re, to)]));
  return value;
};

const withRefsRenamed = (node: EditorNode, re: RegExp, to: string): EditorNode => {
  let out = node;
  for (const key of TEMPLATE_FIELDS)
    if (node[key] !== undefined) {
      const next = renameIn(node[key], re, to);
      if (JSON.stringify(next) !== JSON.stringify(node[key])) out = { ...out, [key]: next };
    }
  const approval = node.approval as { prompt?: unknown } | undefined;
  if (typeof approval?.prompt === 'string') {
    const prompt = approval.prompt.replace(re, `$1${to}`);
    if (prompt !== approval.prompt) out = { ...out, approval: { ...approval, prompt } };
  }
  return out;
};

/**
 * Renames node `from` to `to` and every reference to it: edge ends (an edge's condition reads its
 * source's output, so it follows the edge), and `{{from…}}` in every template field of every node.
 * A label that was still the old id (a new node's default) follows the id.
 */
export const renameNode = (doc: EditorDoc, from: string, to: string): EditorDoc => {
  if (from === to) return doc;
  const re = refPattern(from);
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const renamed = withRefsRenamed(n, re, to);
      if (n.id !== from) return renamed;
      return { ...renamed, id: to, ...(n.label === from && { label: to }) };
    }),
    edges: doc.edges.map((e) =>
      e.source === from || e.target === from
        ? { ...e, source: e.source === from ? to : e.source, target: e.target === from ? to : e.target }
        : e,
    ),
  };
};

/** Why `to` cannot be node `from`'s new id, in words; `undefined` when it can. */
export const idProblem = (doc: EditorDoc, from: string, to: string): string | undefined => {
  if (to === from) return undefined;
  if (to === '') return 'A node needs an id.';
  if (!NodeIdSchema.safeParse(to).success)
    return 'Use only A-Z, a-z, 0-9, _ and - (at most 128), with no spaces.';
  if ((reservedRoots as readonly string[]).includes(to)) return `"${to}" is reserved for templates.`;
  if (doc.nodes.some((n) => n.id === to)) return `Another node is already called "${to}".`;
  return undefined;
};
