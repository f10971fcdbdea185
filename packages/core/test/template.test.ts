import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Json,
  mappingTemplates,
  readPath,
  refRoot,
  renderTemplate,
  reservedRoots,
  resolveMapping,
  type TemplateScope,
  templateRefs,
} from '../src/index.ts';
import { jsonArb } from './arbitraries.ts';

/** Names every plain object inherits, which a template must never reach. */
const inherited = [
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Array.prototype),
  ...Object.getOwnPropertyNames(String.prototype),
];

const scope: TemplateScope = {
  inputs: { topic: 'rivers', n: 3, tags: ['a', 'b'] },
  plan: { topics: ['nile', 'rhine'], meta: { depth: 2, ok: true, none: null } },
  text: 'plain text',
  count: 0,
  flag: false,
  nothing: null,
};

describe('templateRefs and refRoot', () => {
  it('finds every reference, trimming whitespace', () => {
    expect(templateRefs('A {{plan.topics}} and {{ inputs.topic }} and {{x-y_1}}.')).toEqual([
      'plan.topics',
      'inputs.topic',
      'x-y_1',
    ]);
  });

  it('ignores things that are not references', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal text under test
    expect(templateRefs('{{}} {{ a b }} {a} {{a+b}} ${a} {{ plan[0] }} {{"x"}} {{a}')).toEqual([]);
  });

  it('refRoot is the first segment', () => {
    expect(refRoot('plan.topics.0')).toBe('plan');
    expect(refRoot('plan')).toBe('plan');
    expect(refRoot('inputs.x')).toBe('inputs');
  });

  it('reserves inputs, item and index, and the names that would reach Object.prototype', () => {
    expect([...reservedRoots]).toEqual(['inputs', 'item', 'index', '__proto__', 'constructor', 'prototype']);
  });
});

describe('readPath', () => {
  const value: Json = { a: { b: [10, { c: 'deep' }] }, s: 'str', n: null };

  it('reads nested objects and array indexes', () => {
    expect(readPath(value, 'a.b.1.c')).toBe('deep');
    expect(readPath(value, 'a.b.0')).toBe(10);
    expect(readPath(value, 'a.b')).toEqual([10, { c: 'deep' }]);
  });

  it('returns the whole value for an empty path', () => {
    expect(readPath(value, '')).toBe(value);
    expect(readPath(undefined, '')).toBeUndefined();
  });

  it('returns undefined where the path leads nowhere', () => {
    expect(readPath(value, 'a.x')).toBeUndefined();
    expect(readPath(value, 'a.b.5')).toBeUndefined();
    expect(readPath(value, 'a.b.-1')).toBeUndefined();
    expect(readPath(value, 's.length')).toBeUndefined();
    expect(readPath(value, 's.0')).toBeUndefined();
    expect(readPath(value, 'n.x')).toBeUndefined();
    expect(readPath(value, 'a.b.length')).toBeUndefined();
    expect(readPath(undefined, 'a')).toBeUndefined();
    expect(readPath(42, 'a')).toBeUndefined();
  });

  it('never reads inherited members (constructor, __proto__, toString …)', () => {
    for (const key of inherited) {
      expect(readPath({}, key)).toBeUndefined();
      expect(readPath({ a: {} }, `a.${key}`)).toBeUndefined();
      expect(readPath({ a: [] }, `a.${key}`)).toBeUndefined();
    }
    expect(readPath({}, '__proto__.polluted')).toBeUndefined();
    expect(readPath({}, 'constructor.prototype')).toBeUndefined();
    expect(readPath({}, 'constructor.name')).toBeUndefined();
  });

  it('reads own keys even when they are named like prototype members', () => {
    const parsed = JSON.parse('{"constructor":"own","__proto__":{"x":1},"toString":"t"}') as Json;
    expect(readPath(parsed, 'constructor')).toBe('own');
    expect(readPath(parsed, '__proto__.x')).toBe(1);
    expect(readPath(parsed, 'toString')).toBe('t');
  });

  it('property: every path a JSON value contains is read back', () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        const walk = (x: Json, path: string[]): void => {
          expect(readPath(v, path.join('.'))).toEqual(x);
          if (Array.isArray(x)) for (const [i, y] of x.entries()) walk(y, [...path, String(i)]);
          else if (x !== null && typeof x === 'object')
            for (const [k, y] of Object.entries(x)) if (!k.includes('.') && k !== '') walk(y, [...path, k]);
        };
        walk(v, []);
      }),
      { numRuns: 200 },
    );
  });
});

describe('renderTemplate', () => {
  it('substitutes strings, numbers, booleans and nested paths', () => {
    expect(renderTemplate('About {{inputs.topic}} ({{ inputs.n }}), first {{plan.topics.0}}.', scope)).toBe(
      'About rivers (3), first nile.',
    );
    expect(renderTemplate('{{count}} {{flag}} {{plan.meta.ok}}', scope)).toBe('0 false true');
  });

  it('inlines lists and objects as JSON, null as null', () => {
    expect(renderTemplate('T: {{plan.topics}} M: {{plan.meta}}', scope)).toBe(
      'T: ["nile","rhine"] M: {"depth":2,"ok":true,"none":null}',
    );
    expect(renderTemplate('[{{nothing}}]', scope)).toBe('[null]');
  });

  it('renders a missing reference as empty text', () => {
    expect(renderTemplate('[{{missing}}][{{plan.nope.deeper}}][{{text.0}}]', scope)).toBe('[][][]');
  });

  it('leaves text that is not a reference untouched', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal text under test
    const t = 'Use {a} ${inputs.topic} {{ 1 + 1 }} {{plan[0]}} {{ }} as is';
    expect(renderTemplate(t, scope)).toBe(t);
  });

  it('is a single pass: substituted values are never rendered again', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'secret' })).toBe('{{b}}');
    expect(renderTemplate('{{a}}', { a: '$& $1 $$' })).toBe('$& $1 $$');
  });

  it('never evaluates: prototype members render as empty text', () => {
    for (const key of inherited) {
      expect(renderTemplate(`[{{${key}}}]`, {})).toBe('[]');
      expect(renderTemplate(`[{{plan.${key}}}]`, scope)).toBe('[]');
      expect(renderTemplate(`[{{plan.topics.${key}}}]`, scope)).toBe('[]');
      expect(renderTemplate(`[{{inputs.topic.${key}}}]`, scope)).toBe('[]');
    }
    expect(renderTemplate('{{constructor}}|{{__proto__}}|{{constructor.name}}', scope)).toBe('||');
    expect(renderTemplate('{{__proto__.polluted}}{{constructor.prototype}}', scope)).toBe('');
  });

  it('reads layered scopes (a map child sees its item over the run scope), never Object.prototype', () => {
    const child = Object.assign(Object.create(scope) as TemplateScope, { item: 'nile', index: 0 });
    expect(renderTemplate('{{index}}: {{item}} of {{plan.topics}} on {{inputs.topic}}', child)).toBe(
      '0: nile of ["nile","rhine"] on rivers',
    );
    expect(renderTemplate('[{{constructor}}{{hasOwnProperty}}{{item.length}}]', child)).toBe('[]');
  });

  it('works on a scope without a prototype', () => {
    const bare = Object.assign(Object.create(null) as TemplateScope, { a: 'x' });
    expect(renderTemplate('{{a}}{{toString}}', bare)).toBe('x');
  });

  it('property: text without references is unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{')),
        (t) => {
          expect(renderTemplate(t, scope)).toBe(t);
        },
      ),
    );
  });

  it('property: with an empty scope every reference renders as empty text', () => {
    const ref = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/), fc.constantFrom(...inherited));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.string().filter((s) => !s.includes('{')),
            ref,
          ),
        ),
        (parts) => {
          const template = parts.map(([text, r]) => `${text}{{${r}}}`).join('');
          expect(renderTemplate(template, {})).toBe(parts.map(([text]) => text).join(''));
        },
      ),
    );
  });

  it('property: a string value is substituted verbatim, whatever it contains', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (value, other) => {
        expect(renderTemplate('<{{v}}>', { v: value, w: other })).toBe(`<${value}>`);
      }),
    );
  });
});

describe('resolveMapping', () => {
  it('keeps lists, objects and scalars for leaves that are a single reference', () => {
    expect(
      resolveMapping(
        {
          topics: '{{plan.topics}}',
          meta: '{{ plan.meta }}',
          depth: '{{plan.meta.depth}}',
          ok: '{{plan.meta.ok}}',
          count: '{{count}}',
          text: '{{text}}',
        },
        scope,
      ),
    ).toEqual({
      topics: ['nile', 'rhine'],
      meta: { depth: 2, ok: true, none: null },
      depth: 2,
      ok: true,
      count: 0,
      text: 'plain text',
    });
  });

  it('renders leaves with surrounding text as strings', () => {
    expect(resolveMapping({ s: 'Topics: {{plan.topics}}', t: '{{inputs.topic}}!' }, scope)).toEqual({
      s: 'Topics: ["nile","rhine"]',
      t: 'rivers!',
    });
  });

  it('resolves a missing whole reference to null', () => {
    expect(resolveMapping({ a: '{{missing}}', b: '{{plan.nope}}' }, scope)).toEqual({ a: null, b: null });
  });

  it('walks nested arrays and objects and keeps non-string leaves', () => {
    expect(resolveMapping([1, true, null, { x: ['{{inputs.tags}}', '{{inputs.n}}'] }], scope)).toEqual([
      1,
      true,
      null,
      { x: [['a', 'b'], 3] },
    ]);
    expect(resolveMapping('{{plan.topics.1}}', scope)).toBe('rhine');
    expect(resolveMapping(7, scope)).toBe(7);
  });

  it('never reaches prototype members', () => {
    expect(
      resolveMapping(
        { a: '{{constructor}}', b: '{{plan.__proto__}}', c: '{{plan.topics.constructor}}' },
        scope,
      ),
    ).toEqual({ a: null, b: null, c: null });
  });

  it('keeps a "__proto__" key as data and does not pollute', () => {
    const mapping = JSON.parse('{"__proto__": {"polluted": "{{text}}"}}') as Json;
    const out = resolveMapping(mapping, scope) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('property: a mapping without references is returned unchanged', () => {
    const noRefs = (v: Json): boolean =>
      typeof v === 'string'
        ? !v.includes('{{')
        : Array.isArray(v)
          ? v.every(noRefs)
          : v !== null && typeof v === 'object'
            ? Object.values(v).every(noRefs)
            : true;
    fc.assert(
      fc.property(jsonArb.filter(noRefs), (m) => {
        expect(resolveMapping(m, scope)).toEqual(m);
      }),
      { numRuns: 200 },
    );
  });

  it('property: a whole reference yields the referenced value itself', () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        expect(resolveMapping({ out: '{{v}}', list: ['{{ v }}'] }, { v })).toEqual({ out: v, list: [v] });
      }),
      { numRuns: 200 },
    );
  });
});

describe('mappingTemplates', () => {
  it('lists every string leaf with its path', () => {
    expect(mappingTemplates({ a: 'x', b: [1, 'y', { c: 'z' }], d: null })).toEqual([
      [['a'], 'x'],
      [['b', 1], 'y'],
      [['b', 2, 'c'], 'z'],
    ]);
    expect(mappingTemplates('top')).toEqual([[[], 'top']]);
    expect(mappingTemplates(3)).toEqual([]);
  });
});
