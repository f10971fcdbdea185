import { z } from 'zod';
import { formatPath, type Issue } from './issues.ts';

/**
 * What every client-sent document must respect before anything else reads it. PostgreSQL cannot
 * hold a NUL character or a lone UTF-16 surrogate in text or jsonb, and a recursive reader (zod,
 * `JSON.stringify`, template walks) overflows the stack on deep nesting: both are refused here, at
 * the boundary, by one iterative walk shared by the server, the SDK and the browser engine.
 */
export const jsonLimits = { depth: 64, issues: 20 } as const;

const NUL = '\u0000';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a store cannot hold this text, or undefined when it can. */
export const textProblem = (s: string): string | undefined => {
  if (s.includes(NUL)) return 'contains a NUL character, which cannot be stored';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate, which cannot be stored';
  return undefined;
};

/** `s` with what a store cannot hold (NUL, lone surrogates) replaced by U+FFFD. */
export const storableText = (s: string): string =>
  s.replaceAll(NUL, '\ufffd').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');

/** A string a store can hold; every id and free text from a client goes through this or {@link storable}. */
export const StorableTextSchema = z.string().superRefine((s, ctx) => {
  const problem = textProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'unstorable_text' } });
});

/**
 * Every problem a store would have with a JSON value: unstorable text in keys or values, and nesting
 * deeper than `jsonLimits.depth`. Iterative, so no input can overflow the stack; stops after
 * `jsonLimits.issues` problems.
 */
export const storableIssues = (value: unknown, prefix: PropertyKey[] = []): Issue[] =>
  problems(value, prefix).map((p) => ({ path: formatPath(p.path), code: p.code, message: p.message }));

type Problem = {
  path: PropertyKey[];
  code: 'unstorable_text' | 'too_deep' | 'reserved_key';
  message: string;
};

/**
 * JSON can name a key `__proto__`, but a JavaScript object that copies it (zod's records, a spread)
 * sets its prototype instead: the value would be lost without a word, so it is refused.
 */
const RESERVED_KEY = '__proto__';

const problems = (value: unknown, prefix: PropertyKey[]): Problem[] => {
  const out: Problem[] = [];
  const stack: Array<{ v: unknown; path: PropertyKey[] }> = [{ v: value, path: prefix }];
  while (stack.length > 0 && out.length < jsonLimits.issues) {
    const { v, path } = stack.pop() as { v: unknown; path: PropertyKey[] };
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) out.push({ path, code: 'unstorable_text', message: problem });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (path.length - prefix.length >= jsonLimits.depth) {
      out.push({
        path,
        code: 'too_deep',
        message: `nested deeper than ${jsonLimits.depth} levels`,
      });
      continue;
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as readonly [PropertyKey, unknown];
      if (key === RESERVED_KEY) {
        out.push({
          path: [...path, key],
          code: 'reserved_key',
          message: 'the key "__proto__" cannot be kept by a JavaScript object; rename it',
        });
        continue;
      }
      if (typeof key === 'string') {
        const problem = textProblem(key);
        if (problem) {
          out.push({ path: [...path, key], code: 'unstorable_text', message: `key ${problem}` });
          continue;
        }
      }
      stack.push({ v: child, path: [...path, key] });
    }
  }
  return out;
};

/**
 * `schema`, checked first by {@link storableIssues}: what fails that check never reaches `schema`
 * (whose recursive parts could overflow on it). A preprocess step, so JSON Schema generated from the
 * result still describes `schema`'s input.
 */
export const storable = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v, ctx) => {
    for (const p of problems(v, []))
      ctx.addIssue({ code: 'custom', message: p.message, path: p.path, params: { code: p.code } });
    return v;
  }, schema);
