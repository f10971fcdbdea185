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

/** Two hex digits per byte value: a span id is made of eight lookups, not a number printed. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (h: number) =>
  `${HEX[h >>> 24]}${HEX[(h >>> 16) & 0xff]}${HEX[(h >>> 8) & 0xff]}${HEX[h & 0xff]}`;
/** 16 hex digits, never all zero (an invalid span id): two FNV-1a hashes of `text` in one pass. */
const spanId = (text: string) => {
  let a = 0x811c9dc5;
  let b = 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  const id = hex8(a) + hex8(b);
  return id === '0000000000000000' ? '0000000000000001' : id;
};

export const runSpanIdOf = (runId: string) => spanId(`run ${runId}`);
export const attemptSpanIdOf = (runId: string, nodeId: string, attempt: number) =>
  spanId(`node ${attempt} ${runId} ${nodeId}`);
export const signalSpanIdOf = (runId: string, seq: number) => spanId(`seq ${seq} ${runId}`);
