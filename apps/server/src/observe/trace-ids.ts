import { createHash } from 'node:crypto';

/**
 * Trace and span ids derived from what the committed log names (run id, node id, attempt, seq), so
 * a run rebuilt after a crash, here or in another process, continues the same trace and ends the
 * spans it had open under the ids they started with. The trace id (once per run) is a SHA-256; span
 * ids, one or two per node attempt, are two 32-bit FNV-1a hashes with different seeds: they only need
 * to differ within their trace, and a cryptographic hash per span is a measurable share of the cost.
 */
export const traceIdOf = (runId: string) =>
  createHash('sha256').update(`laneflow run ${runId}`).digest('hex').slice(0, 32);

/** Char codes of the hex digits, for span ids made in one allocation. */
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const h = (word: number, shift: number) => HEX[(word >>> shift) & 15] as number;

/** FNV-1a state: two 32-bit hashes with different seeds, fed part by part. */
let a = 0;
let b = 0;
const feed = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
};

/**
 * 16 hex digits, never all zero (an invalid span id), of the parts' text joined by single spaces,
 * hashed part by part so the text is never made, and written as one flat string: ids are read
 * back a digit at a time, and a string joined from pieces is copied flat on its first read.
 */
const spanId = (first: string, second: string, third?: string, fourth?: string) => {
  a = 0x811c9dc5;
  b = 0x5bd1e995;
  feed(first);
  feed(' ');
  feed(second);
  if (third !== undefined) {
    feed(' ');
    feed(third);
  }
  if (fourth !== undefined) {
    feed(' ');
    feed(fourth);
  }
  if (a === 0 && b === 0) b = 1;
  return String.fromCharCode(
    h(a, 28),
    h(a, 24),
    h(a, 20),
    h(a, 16),
    h(a, 12),
    h(a, 8),
    h(a, 4),
    h(a, 0),
    h(b, 28),
    h(b, 24),
    h(b, 20),
    h(b, 16),
    h(b, 12),
    h(b, 8),
    h(b, 4),
    h(b, 0),
  );
};

export const runSpanIdOf = (runId: string) => spanId('run', runId);
export const attemptSpanIdOf = (runId: string, nodeId: string, attempt: number) =>
  spanId('node', String(attempt), runId, nodeId);
export const signalSpanIdOf = (runId: string, seq: number) => spanId('seq', String(seq), runId);
