import type { ErrorBody, Issue } from '@laneflow/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every API error has one shape: `{error: {code, message, issues?}}`. */
export const errorResponse = (
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  issues?: Issue[],
) => c.json({ error: { code, message, ...(issues && { issues }) } } satisfies ErrorBody, status);

/** Thrown inside handlers; the app's error handler turns it into {@link errorResponse}. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
  }
}
