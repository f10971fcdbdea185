import type { NodeSpec } from '../dag.ts';

/**
 * Fields that do not change what a node's work is: display, placement and routing. A change to any
 * other field (prompt, system, output, gate, sim profile, mapping…) makes the node's history start over.
 */
const notWork: ReadonlySet<string> = new Set([
  'id',
  'label',
  'description',
  'position',
  'startTier',
  'maxTier',
  'retries',
  'timeoutMs',
]);

/** JSON with object keys sorted, so equal specs hash equally whatever order their keys came in. */
const canonical = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
};

/** FNV-1a over UTF-16 code units, 32 bits, from `seed`. */
const fnv1a = (text: string, seed: number): number => {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
};

/**
 * A 64-bit hash (16 hex digits) of the fields that define a node's work. Node history is kept per
 * hash: a node whose prompt or configuration changed is a new node to the start-tier policy.
 * Synchronous and dependency-free, so the browser and the server compute the same value.
 */
export const workHash = (spec: NodeSpec): string => {
  const work: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (!notWork.has(k)) work[k] = v;
  const text = canonical(work);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return hex(fnv1a(text, 0x811c9dc5)) + hex(fnv1a(text, 0x01000193 ^ 0x5bd1e995));
};
