import { fromZodIssues, type Issue, storableIssues, summarizeIssues } from '@laneflow/core';
import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpError } from './http-error.ts';

/** `application/json`, or a JSON-based type such as `application/merge-patch+json`, with parameters. */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

const refuse = (where: string, issues: Issue[]): never => {
  throw new HttpError(400, 'invalid_request', `invalid ${where}: ${summarizeIssues(issues)}`, issues);
};

const check = <S extends z.ZodType>(schema: S, value: unknown, where: string) => {
  const r = schema.safeParse(value);
  return r.success ? (r.data as z.output<S>) : refuse(where, fromZodIssues(r.error.issues));
};

/**
 * Parses and validates a JSON body; malformed JSON is a 400 that says so. Every body is first checked
 * for text the store cannot hold and for nesting depth, whatever its schema, so no route can let
 * either through to a recursive reader or to the database.
 */
export const body = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> => {
  const text = await c.req.text();
  // A body is JSON and says so: text/plain or a form (which a page on any origin can send without
  // asking) is refused before anything reads it.
  const type = c.req.header('content-type');
  if (text.trim() !== '' && !(type && JSON_TYPE.test(type)))
    throw new HttpError(
      415,
      'unsupported_media_type',
      `send the body as application/json (Content-Type ${type ? `"${type.slice(0, 60)}"` : 'missing'})`,
    );
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `body is not valid JSON: ${(err as Error).message}`);
  }
  const unstorable = storableIssues(json);
  if (unstorable.length > 0) refuse('body', unstorable);
  return check(schema, json, 'body');
};
