import { createHash, randomBytes } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

const hashHex = (text: string, chars: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, chars);

/**
 * Trace and span ids derived from what the committed log names (run id, node id, attempt, seq), so
 * a run rebuilt after a crash, here or in another process, continues the same trace and ends the
 * spans it had open under the ids they started with.
 */
export const traceIdOf = (runId: string) => hashHex(`laneflow run ${runId}`, 32);
export const runSpanIdOf = (runId: string) => hashHex(`laneflow run ${runId} span`, 16);
export const attemptSpanIdOf = (runId: string, nodeId: string, attempt: number) =>
  hashHex(`laneflow run ${runId} node ${nodeId} attempt ${attempt}`, 16);
export const signalSpanIdOf = (runId: string, seq: number) => hashHex(`laneflow run ${runId} seq ${seq}`, 16);

/**
 * The SDK's id generator, handing out the ids set with `next` for the one span about to start, and
 * random ids otherwise (HTTP server spans).
 */
export const presetIdGenerator = () => {
  let traceId: string | undefined;
  let spanId: string | undefined;
  const generator: IdGenerator = {
    generateTraceId() {
      const id = traceId ?? randomBytes(16).toString('hex');
      traceId = undefined;
      return id;
    },
    generateSpanId() {
      const id = spanId ?? randomBytes(8).toString('hex');
      spanId = undefined;
      return id;
    },
  };
  return {
    generator,
    next(ids: { traceId: string; spanId: string }) {
      traceId = ids.traceId;
      spanId = ids.spanId;
    },
    clear() {
      traceId = undefined;
      spanId = undefined;
    },
  };
};
