import { fromZodIssues, summarizeIssues } from '@laneflow/core';
import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpError } from './http-error.ts';

const check = <S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> => {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = fromZodIssues(r.error.issues);
  throw new HttpError(400, 'invalid_request', `invalid ${where}: ${summarizeIssues(issues)}`, issues);
};

/** Parses and validates a JSON body; malformed JSON is a 400 that says so. */
export const body = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> => {
  const text = await c.req.text();
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `body is not valid JSON: ${(err as Error).message}`);
  }
  return check(schema, json, 'body');
};

export const query = <S extends z.ZodType>(c: Context, schema: S): z.output<S> =>
  check(schema, c.req.query(), 'query');
