import { describe, expect, it } from 'vitest';
import { type DagSpecInput, describeIssue, resolveRunInputs, validateDag } from '../src/index.ts';

const dag = (extra: Partial<DagSpecInput> = {}): DagSpecInput => ({
  id: 'brief',
  nodes: [{ id: 'plan', kind: 'llm', prompt: 'Plan {{inputs.topic}} in {{inputs.words}} words' }],
  inputSchema: {
    type: 'object',
    properties: {
      topic: { type: 'string', description: 'What the brief is about', minLength: 3 },
      words: { type: 'integer', default: 300, minimum: 50, maximum: 2000 },
      tone: { type: 'string', enum: ['plain', 'formal'], default: 'plain' },
      draft: { type: 'boolean' },
    },
    required: ['topic'],
  },
  ...extra,
});

const valid = (d: DagSpecInput) => {
  const r = validateDag(d);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};

describe('run inputs', () => {
  it('fills defaults under what is given', () => {
    expect(resolveRunInputs(valid(dag()), { topic: 'tides', words: 500 })).toEqual({
      ok: true,
      value: { topic: 'tides', words: 500, tone: 'plain' },
    });
  });

  it('names every bad field with a plain message', () => {
    const r = resolveRunInputs(valid(dag()), { words: 12.5, tone: 'angry', draft: 'yes', colour: 'red' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => [i.path, i.message])).toEqual([
      ['inputs.colour', 'is not an input of this DAG'],
      ['inputs.topic', 'is required'],
      ['inputs.words', 'must be a whole number'],
      ['inputs.tone', 'must be one of "plain", "formal"'],
      ['inputs.draft', 'must be a boolean'],
    ]);
    const short = resolveRunInputs(valid(dag()), { topic: 'ab', words: 10 });
    expect(!short.ok && short.issues.map((i) => [i.path, i.message])).toEqual([
      ['inputs.topic', 'must be at least 3 characters'],
      ['inputs.words', 'must be at least 50'],
    ]);
  });

  it('takes anything for a DAG that declares no schema, over its own inputs', () => {
    expect(resolveRunInputs(valid({ ...dag(), inputSchema: undefined, inputs: { a: 1 } }), { b: 2 })).toEqual(
      {
        ok: true,
        value: { a: 1, b: 2 },
      },
    );
  });

  it('refuses a schema that does not hold together, naming the field', () => {
    const r = validateDag(
      dag({
        inputs: { words: 'many' },
        inputSchema: {
          type: 'object',
          properties: {
            words: { type: 'integer', default: 'ten' },
            bad: { type: 'string', pattern: '(a+)+$' },
          },
          required: ['missing'],
        } as never,
      }),
    );
    expect(r.ok).toBe(false);
    const paths = !r.ok ? r.issues.map((i) => i.path) : [];
    expect(paths).toContain('inputSchema.properties.bad');
    expect(paths).toContain('inputSchema.required.0');
  });

  it('refuses a field no value could pass: bounds the wrong way round, choices outside the rule', () => {
    const r = validateDag(
      dag({
        inputSchema: {
          type: 'object',
          properties: {
            title: { type: 'string', minLength: 10, maxLength: 2 },
            score: { type: 'number', minimum: 5, maximum: 1 },
            level: { type: 'integer', enum: [1, 'two', 3.5], maximum: 2 },
            fine: { type: 'string', minLength: 2, maxLength: 2, enum: ['ok'] },
          },
        } as never,
      }),
    );
    expect(!r.ok && r.issues.map((i) => [i.path, i.code, i.message])).toEqual([
      [
        'inputSchema.properties.title.maxLength',
        'impossible_input',
        'is below minLength 10: no value could pass',
      ],
      ['inputSchema.properties.score.maximum', 'impossible_input', 'is below minimum 5: no value could pass'],
      [
        'inputSchema.properties.level.enum.1',
        'impossible_input',
        'must be a whole number, so it can never be chosen',
      ],
      [
        'inputSchema.properties.level.enum.2',
        'impossible_input',
        'must be a whole number, so it can never be chosen',
      ],
    ]);
    // The editor's sentence names the run input, then the rule.
    const first = !r.ok ? r.issues[0] : undefined;
    expect(first && describeIssue({ nodes: [] } as never, first).text).toBe(
      'Run input "title", maxLength, is below minLength 10: no value could pass.',
    );
  });

  it('checks defaults and the DAG inputs against the schema', () => {
    const r = validateDag(
      dag({
        inputs: { words: 'many' },
        inputSchema: { type: 'object', properties: { words: { type: 'integer', default: 'ten' } } } as never,
      }),
    );
    expect(!r.ok && r.issues.map((i) => [i.path, i.message])).toEqual([
      ['inputSchema.properties.words.default', 'must be a whole number'],
      ['inputs.words', 'must be a whole number'],
    ]);
  });
});
