import type { z } from 'zod';

/** One validation problem with the path of the field it concerns. */
export interface Issue {
  /** Dotted path, e.g. `nodes.2.gate.target`; empty for the document itself. */
  path: string;
  message: string;
  code: string;
}

/** Formats a property path the way every laneflow error names a field: `nodes.2.gate.target`. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join('.');

/** Converts zod issues to laneflow issues, with `prefix` prepended to each path. */
export const fromZodIssues = (issues: ReadonlyArray<z.core.$ZodIssue>, prefix: PropertyKey[] = []): Issue[] =>
  issues.map((i) => ({
    path: formatPath([...prefix, ...i.path]),
    message: i.message,
    // A custom check names its own code (e.g. `unstorable_text`) in `params.code`.
    code: i.code === 'custom' && typeof i.params?.code === 'string' ? i.params.code : i.code,
  }));

/** A one-line summary of issues, each naming its field. */
export const summarizeIssues = (issues: ReadonlyArray<Issue>): string =>
  issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');

/** The one-line message of a refused DAG: its first problems, each naming its field. */
export const invalidDagMessage = (issues: ReadonlyArray<Issue>): string => {
  const shown = issues.slice(0, 3);
  const more = issues.length - shown.length;
  return `invalid DAG: ${summarizeIssues(shown)}${more > 0 ? ` (and ${more} more)` : ''}`;
};

/** Result of validating untrusted input: a value, or every issue found. */
export type Validated<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };
