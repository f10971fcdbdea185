import type { Json } from './signals.ts';

/** `{{ ref }}` where ref is `inputs.x`, `nodeId`, `nodeId.path.to.field`, `item` or `index`. */
const TEMPLATE = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

/** Roots a template may name besides node ids. Node ids may not use them. */
export const reservedRoots = ['inputs', 'item', 'index', '__proto__', 'constructor', 'prototype'] as const;

/** Every reference in a template string, e.g. `['plan.topics', 'inputs.question']`. */
export const templateRefs = (template: string): string[] =>
  Array.from(template.matchAll(TEMPLATE), (m) => m[1] as string);

/** The first path segment of a reference: a node id or a reserved root. */
export const refRoot = (ref: string): string => ref.split('.', 1)[0] as string;

/**
 * An own property only: templates and conditions must never reach `constructor`, `__proto__`,
 * `toString` or anything else inherited from `Object.prototype`.
 */
const own = (obj: object, key: string): Json | undefined =>
  Object.hasOwn(obj, key) ? (obj as Record<string, Json>)[key] : undefined;

/** Reads `a.b.0.c` out of a JSON value; `undefined` where the path leads nowhere. */
export const readPath = (value: Json | undefined, path: string): Json | undefined => {
  if (path === '') return value;
  let cur: Json | undefined = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(key)] : own(cur, key);
  }
  return cur;
};

/** Values a template can reach: run inputs, upstream outputs by node id, and the map item. */
export type TemplateScope = Record<string, Json | undefined>;

/**
 * A root in a scope. Scopes may be layered with `Object.create(parent)` (a map child sees its item
 * over the run's scope), so the chain is walked, but never into `Object.prototype`.
 */
const inScope = (scope: TemplateScope, key: string): Json | undefined => {
  for (let o: object | null = scope; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o))
    if (Object.hasOwn(o, key)) return (o as TemplateScope)[key];
  return undefined;
};

const lookup = (scope: TemplateScope, ref: string): Json | undefined => {
  const dot = ref.indexOf('.');
  return dot < 0 ? inScope(scope, ref) : readPath(inScope(scope, ref.slice(0, dot)), ref.slice(dot + 1));
};

const asText = (v: Json | undefined): string =>
  v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);

/** Renders a template to text; objects are inlined as JSON. Pure substitution, never evaluation. */
export const renderTemplate = (template: string, scope: TemplateScope): string =>
  template.replace(TEMPLATE, (_, ref: string) => asText(lookup(scope, ref)));

/**
 * Resolves a declarative mapping: every string leaf is a template; a leaf that is exactly one
 * `{{ref}}` yields the referenced value itself (so lists and objects keep their shape).
 */
export const resolveMapping = (mapping: Json, scope: TemplateScope): Json => {
  if (typeof mapping === 'string') {
    const whole = WHOLE.exec(mapping);
    return whole ? (lookup(scope, whole[1] as string) ?? null) : renderTemplate(mapping, scope);
  }
  if (Array.isArray(mapping)) return mapping.map((m) => resolveMapping(m, scope));
  if (mapping !== null && typeof mapping === 'object')
    return Object.fromEntries(Object.entries(mapping).map(([k, v]) => [k, resolveMapping(v, scope)]));
  return mapping;
};

/** Every string leaf of a mapping, with its path relative to the mapping. */
export const mappingTemplates = (mapping: Json, path: PropertyKey[] = []): Array<[PropertyKey[], string]> => {
  if (typeof mapping === 'string') return [[path, mapping]];
  if (Array.isArray(mapping)) return mapping.flatMap((m, i) => mappingTemplates(m, [...path, i]));
  if (mapping !== null && typeof mapping === 'object')
    return Object.entries(mapping).flatMap(([k, v]) => mappingTemplates(v, [...path, k]));
  return [];
};
