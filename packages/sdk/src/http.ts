import { ErrorBodySchema, fromZodIssues, summarizeIssues } from '@laneflow/core';
import type { z } from 'zod';
import { HttpError, NetworkError, ValidationError } from './errors.ts';

export interface HttpOptions {
  baseUrl: string;
  token?: string | (() => string | undefined);
  fetch?: typeof fetch;
}

export const tokenOf = (o: HttpOptions): string | undefined =>
  typeof o.token === 'function' ? o.token() : o.token;

export const authHeaders = (o: HttpOptions): Record<string, string> => {
  const t = tokenOf(o);
  return t ? { authorization: `Bearer ${t}` } : {};
};

/** Validates data against a shared schema, or throws {@link ValidationError} naming the fields. */
export const validate = <S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> => {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issues = fromZodIssues(r.error.issues);
  throw new ValidationError(`${what}: ${summarizeIssues(issues)}`, issues);
};

/** Turns a non-2xx response into an {@link HttpError} with the server's code and issues. */
export const httpError = async (res: Response): Promise<HttpError> => {
  const text = await res.text().catch(() => '');
  try {
    const body = ErrorBodySchema.parse(JSON.parse(text));
    return new HttpError(res.status, body.error.code, body.error.message, body.error.issues ?? []);
  } catch {
    return new HttpError(res.status, `http_${res.status}`, text.slice(0, 200) || res.statusText);
  }
};

/** One JSON request, with the response validated by `schema`. */
export const request = async <S extends z.ZodType>(
  o: HttpOptions,
  method: string,
  path: string,
  schema: S | null,
  body?: unknown,
): Promise<z.output<S>> => {
  const f = o.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await f(`${o.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: { ...authHeaders(o), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new NetworkError(`cannot reach ${o.baseUrl}: ${(err as Error).message}`, err);
  }
  if (!res.ok) throw await httpError(res);
  if (schema === null) return undefined as z.output<S>;
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    // The connection broke while the body was arriving: worth another try, unlike a bad body.
    throw new NetworkError(`${method} ${path}: the response was cut off: ${(err as Error).message}`, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${method} ${path}: response is not JSON`, [
      { path: '', code: 'invalid_json', message: (err as Error).message },
    ]);
  }
  return validate(schema, json, `${method} ${path}`);
};
