import type { Issue, Ladder } from '@laneflow/core';
import { HttpError } from './http-error.ts';

/**
 * The server only calls model endpoints its operator configured: every tier that is not simulated or
 * human, from whatever source (a run's body, a DAG's own ladder, saved or inline), must name a
 * provider and base URL of the server's ladder. Otherwise a client could make the server send
 * requests (and keys) anywhere.
 */
export const foreignEndpoints = (ladder: Ladder | undefined, allowed: Ladder, path: string): Issue[] =>
  (ladder ?? []).flatMap((t, i) =>
    t.provider === 'sim' ||
    t.provider === 'human' ||
    allowed.some((a) => a.provider === t.provider && a.baseUrl === t.baseUrl)
      ? []
      : [
          {
            path: `${path}.${i}.baseUrl`,
            code: 'not_allowed',
            message: `${t.provider} at ${t.baseUrl ?? 'its default URL'} is not in the server's ladder`,
          },
        ],
  );

/** Refuses a run or a save whose ladders name a foreign endpoint (400, each tier named). */
export const checkEndpoints = (
  sources: Array<{ ladder: Ladder | undefined; path: string }>,
  allowed: Ladder,
): void => {
  const issues = sources.flatMap((s) => foreignEndpoints(s.ladder, allowed, s.path));
  if (issues.length > 0)
    throw new HttpError(
      400,
      'invalid_request',
      'the ladder names model endpoints this server does not use',
      issues,
    );
};
