import { z } from 'zod';
import { type Json, JsonSchema } from './signals.ts';
import { readPath } from './template.ts';

/**
 * A declarative edge condition evaluated on the source node's output: no code, only a path, an
 * operator and a value. `path` is dotted (`verdict.score`); empty means the whole output.
 */
export const ConditionSchema = z.strictObject({
  path: z.string().default(''),
  op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists', 'truthy', 'falsy', 'contains']),
  value: JsonSchema.optional(),
});
export type Condition = z.output<typeof ConditionSchema>;

/** Structural equality of JSON values; object key order does not matter (JSON objects are unordered). */
const deepEqual = (a: Json | undefined, b: Json | undefined): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b))
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  const ka = Object.keys(a);
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], (b as Record<string, Json>)[k]))
  );
};

const compare = (a: Json | undefined, b: Json | undefined): number | undefined =>
  typeof a === 'number' && typeof b === 'number'
    ? a - b
    : typeof a === 'string' && typeof b === 'string'
      ? a.localeCompare(b)
      : undefined;

/** True when `output` satisfies the condition. Type mismatches are false, never errors. */
export const evaluateCondition = (c: Condition, output: Json | undefined): boolean => {
  const v = readPath(output, c.path);
  switch (c.op) {
    case 'eq':
      return deepEqual(v, c.value);
    case 'neq':
      return !deepEqual(v, c.value);
    case 'exists':
      return v !== undefined && v !== null;
    case 'truthy':
      return Boolean(v) && !(Array.isArray(v) && v.length === 0);
    case 'falsy':
      return !v || (Array.isArray(v) && v.length === 0);
    case 'contains':
      return typeof v === 'string'
        ? typeof c.value === 'string' && v.includes(c.value)
        : Array.isArray(v) && v.some((x) => deepEqual(x, c.value));
    default: {
      const d = compare(v, c.value);
      if (d === undefined) return false;
      return c.op === 'gt' ? d > 0 : c.op === 'gte' ? d >= 0 : c.op === 'lt' ? d < 0 : d <= 0;
    }
  }
};
