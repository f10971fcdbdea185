import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecisionBodySchema,
  fromZodIssues,
  jsonLimits,
  StartRunBodySchema,
  storableIssues,
  storableText,
  textProblem,
  validateDag,
} from '../src/index.ts';

const nest = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** JSON whose strings are well-formed and NUL-free, within the depth limit. */
const cleanString = fc.string({ unit: 'grapheme' }).filter((s) => textProblem(s) === undefined);
const cleanJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    cleanString,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      cleanString.filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

describe('storable text and bounded JSON', () => {
  it('names NUL and lone surrogates, and accepts paired surrogates', () => {
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    expect(textProblem('\ud800')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('x\udc00')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('😀 ok')).toBeUndefined();
    expect(storableText('a\u0000b\ud800c😀')).toBe('a\ufffdb\ufffdc😀');
  });

  it('finds nothing in clean JSON', () => {
    fc.assert(
      fc.property(cleanJson, (v) => {
        expect(storableIssues(v)).toEqual([]);
      }),
    );
  });

  it('finds a bad string or key wherever it is put, by its path', () => {
    const bad = fc.constantFrom('\u0000', '\ud800', 'x\udfff', 'pre\u0000post');
    fc.assert(
      fc.property(cleanJson, bad, fc.boolean(), (v, text, asKey) => {
        const doc = { wrap: [v, asKey ? { [text]: 1 } : { k: text }] };
        const issues = storableIssues(doc);
        expect(issues.map((i) => i.path)).toContain(asKey ? `wrap.1.${text}` : 'wrap.1.k');
        expect(issues.every((i) => i.code === 'unstorable_text')).toBe(true);
      }),
    );
  });

  it('refuses a "__proto__" key, which copying into an object would drop, by its path', () => {
    const doc = JSON.parse('{"inputs":{"constructor":1,"__proto__":{"polluted":1}}}');
    expect(storableIssues(doc)).toEqual([
      { path: 'inputs.__proto__', code: 'reserved_key', message: expect.stringContaining('"__proto__"') },
    ]);
    const run = StartRunBodySchema.safeParse(JSON.parse('{"dagId":"x","inputs":{"__proto__":{"a":1}}}'));
    expect(fromZodIssues(run.error?.issues ?? [])).toEqual([
      expect.objectContaining({ path: 'inputs.__proto__', code: 'reserved_key' }),
    ]);
    // Other names of Object.prototype are ordinary keys.
    expect(
      StartRunBodySchema.safeParse({ dagId: 'x', inputs: { constructor: 1, toString: 'x' } }).success,
    ).toBe(true);
  });

  it('bounds nesting without recursion, however deep', () => {
    expect(storableIssues(nest(jsonLimits.depth))).toEqual([]);
    const [deep] = storableIssues(nest(jsonLimits.depth + 1));
    expect(deep?.code).toBe('too_deep');
    const parsed = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(storableIssues(parsed)).toEqual([
      expect.objectContaining({ code: 'too_deep', message: `nested deeper than ${jsonLimits.depth} levels` }),
    ]);
  });

  it('is part of the shared body schemas, naming the field', () => {
    const d = DecisionBodySchema.safeParse({ decision: 'approved', comment: 'ok\u0000' });
    expect(d.success).toBe(false);
    expect(fromZodIssues(d.error?.issues ?? [])).toEqual([
      expect.objectContaining({ path: 'comment', code: 'unstorable_text' }),
    ]);
    const deep = DecisionBodySchema.safeParse({ decision: 'approved', output: nest(100_000) });
    expect(fromZodIssues(deep.error?.issues ?? [])[0]?.code).toBe('too_deep');
    const run = StartRunBodySchema.safeParse({ dagId: 'x', inputs: { topic: { q: ['\udbff'] } } });
    expect(fromZodIssues(run.error?.issues ?? [])).toEqual([
      expect.objectContaining({ path: 'inputs.topic.q.0', code: 'unstorable_text' }),
    ]);
    expect(StartRunBodySchema.safeParse({ dagId: 'x', inputs: { topic: 'fine 😀' } }).success).toBe(true);
  });

  it('is checked by validateDag, so the browser engine refuses what the server refuses', () => {
    const dag = {
      id: 'd',
      nodes: [{ id: 'a', kind: 'llm', prompt: 'hi', label: 'bad\ud800' }],
    };
    const r = validateDag(dag);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues).toEqual([
      expect.objectContaining({ path: 'nodes.0.label', code: 'unstorable_text' }),
    ]);
    const deep = validateDag({ id: 'd', nodes: [{ id: 'a', kind: 'transform', mapping: nest(50_000) }] });
    expect(deep.ok ? '' : deep.issues[0]?.code).toBe('too_deep');
  });
});
