/** A timestamp column as ISO-8601 text: `pg` hands back a Date, PGlite a Date or a string. */
export const iso = (v: unknown): string =>
  v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();

export const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
