import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Condition, ConditionSchema, evaluateCondition, type Json } from '../src/index.ts';
import { jsonArb } from './arbitraries.ts';

type Op = Condition['op'];

const when = (op: Op, value?: Json, path = ''): Condition => ({
  path,
  op,
  ...(value !== undefined && { value }),
});

const holds = (output: Json | undefined, op: Op, value?: Json, path = ''): boolean =>
  evaluateCondition(when(op, value, path), output);

/** Values of every JSON type, for type-mismatch tables. */
const samples: Json[] = [0, 1, -2.5, '', 'a', '1', true, false, null, [], [1], {}, { a: 1 }];
const typeOf = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The same JSON value with every object's keys in reverse order. */
const reversedKeys = (v: Json): Json =>
  Array.isArray(v)
    ? v.map(reversedKeys)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .reverse()
            .map(([k, x]) => [k, reversedKeys(x)]),
        )
      : v;

describe('ConditionSchema', () => {
  it('defaults path to the whole output', () => {
    expect(ConditionSchema.parse({ op: 'truthy' })).toEqual({ path: '', op: 'truthy' });
  });

  it('rejects unknown ops and unknown keys (no code in conditions)', () => {
    expect(ConditionSchema.safeParse({ op: 'matches', value: '.*' }).success).toBe(false);
    expect(ConditionSchema.safeParse({ op: 'eq', value: 1, fn: 'x => true' }).success).toBe(false);
  });
});

describe('evaluateCondition: paths', () => {
  const output: Json = { verdict: { score: 0.9, tags: ['ok', 'fast'] }, items: [{ id: 'a' }, { id: 'b' }] };

  it('reads dotted paths through objects and arrays', () => {
    expect(holds(output, 'eq', 0.9, 'verdict.score')).toBe(true);
    expect(holds(output, 'eq', 'b', 'items.1.id')).toBe(true);
    expect(holds(output, 'eq', 'fast', 'verdict.tags.1')).toBe(true);
  });

  it('an empty path is the whole output', () => {
    expect(holds('yes', 'eq', 'yes')).toBe(true);
    expect(holds(output, 'exists')).toBe(true);
  });

  it('a path into nothing is undefined: exists false, eq against a value false', () => {
    expect(holds(output, 'exists', undefined, 'verdict.nope')).toBe(false);
    expect(holds(output, 'eq', 0, 'verdict.score.deeper')).toBe(false);
    expect(holds(undefined, 'exists', undefined, 'a')).toBe(false);
  });

  it('prototype members are not part of an output', () => {
    for (const path of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'verdict.constructor']) {
      expect(holds(output, 'exists', undefined, path)).toBe(false);
      expect(holds(output, 'truthy', undefined, path)).toBe(false);
      expect(holds(output, 'falsy', undefined, path)).toBe(true);
    }
    expect(holds(output, 'exists', undefined, 'items.length')).toBe(false);
    expect(holds({ s: 'abc' }, 'exists', undefined, 's.length')).toBe(false);
  });
});

describe('evaluateCondition: eq / neq', () => {
  it('compares scalars by value and type', () => {
    expect(holds(3, 'eq', 3)).toBe(true);
    expect(holds(3, 'eq', 4)).toBe(false);
    expect(holds('3', 'eq', 3)).toBe(false);
    expect(holds(1, 'eq', true)).toBe(false);
    expect(holds(0, 'eq', false)).toBe(false);
    expect(holds(null, 'eq', null)).toBe(true);
    expect(holds('', 'eq', null)).toBe(false);
  });

  it('compares lists and objects structurally', () => {
    expect(holds([1, { a: 'x' }], 'eq', [1, { a: 'x' }])).toBe(true);
    expect(holds([1, 2], 'eq', [2, 1])).toBe(false);
    expect(holds([1, 2], 'eq', [1, 2, 3])).toBe(false);
    expect(holds({ a: 1 }, 'eq', { a: 1, b: 2 })).toBe(false);
    expect(holds({ a: 1, b: 2 }, 'eq', { a: 1 })).toBe(false);
    expect(holds({ a: [1] }, 'eq', { a: { 0: 1 } })).toBe(false);
    expect(holds([], 'eq', {})).toBe(false);
  });

  it('ignores object key order (JSON objects are unordered)', () => {
    expect(holds({ b: 2, a: 1 }, 'eq', { a: 1, b: 2 })).toBe(true);
    expect(holds({ v: { y: [1], x: null } }, 'eq', { x: null, y: [1] }, 'v')).toBe(true);
    expect(holds({ b: 2, a: 1 }, 'neq', { a: 1, b: 2 })).toBe(false);
  });

  it('neq is true on a type mismatch and on a missing path', () => {
    expect(holds('3', 'neq', 3)).toBe(true);
    expect(holds({}, 'neq', 3, 'missing')).toBe(true);
    expect(holds(3, 'neq', 3)).toBe(false);
  });

  it('property: eq is reflexive, key-order blind, and neq is its negation', () => {
    fc.assert(
      fc.property(jsonArb, jsonArb, (a, b) => {
        expect(holds(a, 'eq', a)).toBe(true);
        expect(holds(reversedKeys(a), 'eq', a)).toBe(true);
        expect(holds(a, 'neq', b)).toBe(!holds(a, 'eq', b));
        expect(holds(a, 'eq', b)).toBe(holds(b, 'eq', a));
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluateCondition: gt / gte / lt / lte', () => {
  it('orders numbers', () => {
    expect(holds({ s: 0.9 }, 'gt', 0.8, 's')).toBe(true);
    expect(holds({ s: 0.8 }, 'gt', 0.8, 's')).toBe(false);
    expect(holds({ s: 0.8 }, 'gte', 0.8, 's')).toBe(true);
    expect(holds({ s: 0.7 }, 'gte', 0.8, 's')).toBe(false);
    expect(holds(-1, 'lt', 0)).toBe(true);
    expect(holds(0, 'lt', 0)).toBe(false);
    expect(holds(0, 'lte', 0)).toBe(true);
    expect(holds(1, 'lte', 0)).toBe(false);
  });

  it('orders strings', () => {
    expect(holds('banana', 'gt', 'apple')).toBe(true);
    expect(holds('apple', 'lt', 'banana')).toBe(true);
    expect(holds('2025-03-01T00:00:00.000Z', 'gte', '2025-02-28T23:59:59.999Z')).toBe(true);
    expect(holds('same', 'lte', 'same')).toBe(true);
    expect(holds('same', 'lt', 'same')).toBe(false);
  });

  it('is false on every type mismatch, never an error', () => {
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const)
      for (const a of samples)
        for (const b of [...samples, undefined]) {
          const comparable =
            (typeof a === 'number' && typeof b === 'number') ||
            (typeof a === 'string' && typeof b === 'string');
          if (!comparable)
            expect(holds(a, op, b), `${JSON.stringify(a)} ${op} ${JSON.stringify(b)}`).toBe(false);
        }
    expect(holds('10', 'gt', 9)).toBe(false);
    expect(holds(10, 'gt', '9')).toBe(false);
    expect(holds({}, 'gt', 0, 'missing')).toBe(false);
    expect(holds(null, 'lte', 0)).toBe(false);
    expect(holds([5], 'gte', 5)).toBe(false);
  });

  it('property: for numbers, gt/lte and lt/gte are complements and agree with < and >', () => {
    const num = fc.double({ noNaN: true, noDefaultInfinity: true }); // JSON numbers are finite
    fc.assert(
      fc.property(num, num, (a, b) => {
        expect(holds(a, 'gt', b)).toBe(a > b);
        expect(holds(a, 'lt', b)).toBe(a < b);
        expect(holds(a, 'gte', b)).toBe(!holds(a, 'lt', b));
        expect(holds(a, 'lte', b)).toBe(!holds(a, 'gt', b));
      }),
    );
  });

  it('property: for strings, gt and lt are antisymmetric and gte/lte reflexive', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(holds(a, 'gte', a) && holds(a, 'lte', a)).toBe(true);
        expect(holds(a, 'gt', b) && holds(a, 'lt', b)).toBe(false);
        expect(holds(a, 'gt', b)).toBe(holds(b, 'lt', a));
      }),
    );
  });
});

describe('evaluateCondition: exists / truthy / falsy', () => {
  it('exists: anything but undefined and null', () => {
    for (const v of [0, '', false, [], {}, 'x']) expect(holds({ v }, 'exists', undefined, 'v')).toBe(true);
    expect(holds({ v: null }, 'exists', undefined, 'v')).toBe(false);
    expect(holds({}, 'exists', undefined, 'v')).toBe(false);
  });

  it('truthy: JS truthiness, except that an empty list is falsy', () => {
    for (const v of [1, -1, 'x', true, [0], {}, { a: false }] as Json[])
      expect(holds(v, 'truthy'), JSON.stringify(v)).toBe(true);
    for (const v of [0, '', false, null, []]) expect(holds(v, 'truthy'), JSON.stringify(v)).toBe(false);
    expect(holds({}, 'truthy', undefined, 'missing')).toBe(false);
  });

  it('falsy: the opposite', () => {
    for (const v of [0, '', false, null, []]) expect(holds(v, 'falsy'), JSON.stringify(v)).toBe(true);
    for (const v of [1, 'x', true, [0], {}]) expect(holds(v, 'falsy'), JSON.stringify(v)).toBe(false);
    expect(holds({}, 'falsy', undefined, 'missing')).toBe(true);
  });

  it('ignore the value', () => {
    expect(holds(1, 'truthy', false)).toBe(true);
    expect(holds(null, 'exists', null)).toBe(false);
  });

  it('property: exactly one of truthy and falsy holds; exists iff not null/undefined', () => {
    fc.assert(
      fc.property(fc.option(jsonArb, { nil: undefined }), (v) => {
        expect(holds(v, 'truthy')).toBe(!holds(v, 'falsy'));
        expect(holds(v, 'exists')).toBe(v !== undefined && v !== null);
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluateCondition: contains', () => {
  it('a string contains a substring', () => {
    expect(holds('the answer is yes', 'contains', 'yes')).toBe(true);
    expect(holds('the answer is yes', 'contains', 'YES')).toBe(false);
    expect(holds('anything', 'contains', '')).toBe(true);
  });

  it('a list contains an equal element, compared structurally', () => {
    expect(holds(['a', 'b'], 'contains', 'b')).toBe(true);
    expect(holds([1, 2], 'contains', 3)).toBe(false);
    expect(holds([{ id: 1, ok: true }], 'contains', { ok: true, id: 1 })).toBe(true);
    expect(holds([[1, 2]], 'contains', [1, 2])).toBe(true);
    expect(holds(['1'], 'contains', 1)).toBe(false);
  });

  it('is false on a type mismatch', () => {
    expect(holds('123', 'contains', 2)).toBe(false);
    expect(holds('null', 'contains', null)).toBe(false);
    expect(holds({ a: 1 }, 'contains', 'a')).toBe(false);
    expect(holds({ a: 1 }, 'contains', 1)).toBe(false);
    expect(holds(123, 'contains', 2)).toBe(false);
    expect(holds(null, 'contains', null)).toBe(false);
    expect(holds(true, 'contains', true)).toBe(false);
    expect(holds({}, 'contains', 'x', 'missing')).toBe(false);
    expect(holds('abc', 'contains')).toBe(false);
  });

  it('property: a list contains each of its elements, and a string each of its substrings', () => {
    fc.assert(
      fc.property(fc.array(jsonArb, { minLength: 1, maxLength: 5 }), fc.nat(), (list, i) => {
        const x = list[i % list.length] as Json;
        expect(holds(list, 'contains', x)).toBe(true);
        expect(holds(list, 'contains', reversedKeys(x))).toBe(true);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.nat(), (s, a, b) => {
        const [from, to] = [Math.min(a, b) % (s.length + 1), Math.max(a, b) % (s.length + 1)];
        expect(holds(s, 'contains', s.slice(Math.min(from, to), Math.max(from, to)))).toBe(true);
      }),
    );
  });
});

describe('evaluateCondition: never throws', () => {
  it('on any output and any condition', () => {
    const op = fc.constantFrom<Op>(
      'eq',
      'neq',
      'gt',
      'gte',
      'lt',
      'lte',
      'exists',
      'truthy',
      'falsy',
      'contains',
    );
    fc.assert(
      fc.property(
        fc.option(jsonArb, { nil: undefined }),
        op,
        fc.option(jsonArb, { nil: undefined }),
        fc.string(),
        (o, p, v, path) => {
          expect(typeof evaluateCondition(when(p, v, path), o)).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('by type: mismatches in the table are false for every ordering op', () => {
    const results = samples.flatMap((a) =>
      samples.map((b) => ({ a: typeOf(a), b: typeOf(b), gt: holds(a, 'gt', b), lt: holds(a, 'lt', b) })),
    );
    for (const r of results)
      if (r.a !== r.b || !['number', 'string'].includes(r.a))
        expect(r.gt || r.lt, `${r.a} vs ${r.b}`).toBe(false);
  });
});
