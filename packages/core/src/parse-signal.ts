import { fromZodIssues, type Issue, summarizeIssues } from './issues.ts';
import { type Signal, SignalSchema, type SignalType, signalSchemas } from './signals.ts';

/** Thrown (or returned) when untrusted data is not a valid signal; names the type and the field. */
export class SignalParseError extends Error {
  override name = 'SignalParseError';
  constructor(
    readonly signalType: string | undefined,
    readonly issues: Issue[],
  ) {
    super(`invalid ${signalType ?? 'signal'}: ${summarizeIssues(issues)}`);
  }
}

export type ParseSignalResult = { ok: true; signal: Signal } | { ok: false; error: SignalParseError };

const typeOf = (input: unknown): string | undefined =>
  typeof input === 'object' && input !== null && typeof (input as { type?: unknown }).type === 'string'
    ? (input as { type: string }).type
    : undefined;

/**
 * Validates untrusted data (an SSE frame, a stored row, an HTTP body) as a signal. Never throws.
 * The error message names the signal type and the failing field, e.g.
 * `invalid node.succeeded: elapsedMs: Invalid input: expected number, received string`.
 */
export const parseSignal = (input: unknown): ParseSignalResult => {
  const type = typeOf(input);
  const known = type !== undefined && type in signalSchemas;
  const result = known ? signalSchemas[type as SignalType].safeParse(input) : SignalSchema.safeParse(input);
  if (result.success) return { ok: true, signal: result.data as Signal };
  return {
    ok: false,
    error: new SignalParseError(known ? type : undefined, fromZodIssues(result.error.issues)),
  };
};

/** Like {@link parseSignal} but throws {@link SignalParseError}. */
export const parseSignalOrThrow = (input: unknown): Signal => {
  const r = parseSignal(input);
  if (!r.ok) throw r.error;
  return r.signal;
};
