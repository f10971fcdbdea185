import { type OutputUnit, Validator } from '@cfworker/json-schema';
import { z } from 'zod';
import type { Issue, Validated } from './issues.ts';
import { type Json, JsonSchema } from './signals.ts';

/** An input's name: what a template reads as `{{inputs.name}}`. */
export const InputNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'an input name is a letter or _, then letters, digits or _')
  .refine((n) => !['__proto__', 'constructor', 'prototype'].includes(n), 'this name is reserved');

/**
 * One run input, as a JSON Schema property: what a form can render and the server can check.
 * No `pattern`: a DAG's author must not be able to hand the server a regular expression to run.
 */
export const RunInputFieldSchema = z.strictObject({
  type: z.enum(['string', 'number', 'integer', 'boolean', 'array', 'object']),
  title: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  default: JsonSchema.optional(),
  enum: z
    .array(z.union([z.string(), z.number(), z.boolean()]))
    .min(1)
    .max(200)
    .optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  minLength: z.number().int().nonnegative().optional(),
  maxLength: z.number().int().nonnegative().optional(),
});
export type RunInputField = z.output<typeof RunInputFieldSchema>;

/** A DAG's run inputs as a JSON Schema object: `{type: 'object', properties, required}`. */
export const RunInputsSchemaSchema = z
  .strictObject({
    type: z.literal('object').default('object'),
    properties: z.record(InputNameSchema, RunInputFieldSchema),
    required: z.array(InputNameSchema).optional(),
  })
  .superRefine((schema, ctx) => {
    (schema.required ?? []).forEach((name, i) => {
      if (!Object.hasOwn(schema.properties, name))
        ctx.addIssue({ code: 'custom', path: ['required', i], message: `"${name}" is not in properties` });
    });
  });
export type RunInputsSchema = z.output<typeof RunInputsSchemaSchema>;

/** Plain words for the checks a form user can fail; anything else keeps the validator's message. */
const explain = (field: RunInputField, unit: OutputUnit): string => {
  switch (unit.keyword) {
    case 'type':
      return `must be ${field.type === 'integer' ? 'a whole number' : `a ${field.type}`}`;
    case 'enum':
      return `must be one of ${(field.enum ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'minimum':
      return `must be at least ${field.minimum}`;
    case 'maximum':
      return `must be at most ${field.maximum}`;
    case 'minLength':
      return `must be at least ${field.minLength} characters`;
    case 'maxLength':
      return `must be at most ${field.maxLength} characters`;
    default:
      return unit.error;
  }
};

/** One compiled validator per field schema: a DAG's schema object is checked many times. */
const validators = new WeakMap<RunInputField, Validator>();
const validatorOf = (field: RunInputField): Validator => {
  let v = validators.get(field);
  if (!v) {
    v = new Validator(field as unknown as Record<string, unknown>, '2020-12', false);
    validators.set(field, v);
  }
  return v;
};

/** Problems with one input's value, each naming `path` (e.g. `inputs.topic`); empty when it is fine. */
export const checkRunInput = (field: RunInputField, value: unknown, path: string): Issue[] => {
  const { errors } = validatorOf(field).validate(value);
  // The first failure at the value itself says what is wrong; the rest repeat it from other angles.
  const unit = errors.find((e) => e.instanceLocation === '#') ?? errors[0];
  return unit ? [{ path, message: explain(field, unit), code: 'invalid_input' }] : [];
};

/** The values a run starts with when nobody gives any: each input's default. */
export const defaultRunInputs = (schema: RunInputsSchema): Record<string, Json> => {
  const out: Record<string, Json> = {};
  for (const [name, field] of Object.entries(schema.properties))
    if (field.default !== undefined) out[name] = field.default;
  return out;
};

/**
 * A run's inputs: `given` over the schema's defaults over the DAG's own `inputs`, checked against
 * the DAG's declared schema (browser and server alike). Every issue names its field (`inputs.topic`).
 * A DAG that declares no schema takes any inputs, as before schemas existed.
 */
export const resolveRunInputs = (
  dag: { inputs?: Record<string, Json> | undefined; inputSchema?: RunInputsSchema | undefined },
  given: Record<string, Json> = {},
): Validated<Record<string, Json>> => {
  const schema = dag.inputSchema;
  if (!schema) return { ok: true, value: { ...dag.inputs, ...given } };
  const value: Record<string, Json> = { ...dag.inputs, ...defaultRunInputs(schema), ...given };
  const issues: Issue[] = [];
  for (const name of Object.keys(given))
    if (!Object.hasOwn(schema.properties, name))
      issues.push({ path: `inputs.${name}`, message: 'is not an input of this DAG', code: 'unknown_input' });
  for (const [name, field] of Object.entries(schema.properties)) {
    const v = value[name];
    if (v === undefined) {
      if (schema.required?.includes(name))
        issues.push({ path: `inputs.${name}`, message: 'is required', code: 'required' });
    } else issues.push(...checkRunInput(field, v, `inputs.${name}`));
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
};
