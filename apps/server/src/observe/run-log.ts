import type { Signal } from '@laneflow/core';
import type { Logger } from './log.ts';

/**
 * Log lines for committed run events: a run's start and end at `info`, a failed node attempt at
 * `warn`, each with the run (and node) ids and, when tracing is on, the run's trace id.
 */
export const runLog =
  (log: Logger, traceIdOf?: (runId: string) => string) =>
  (runId: string, batch: readonly Signal[]): void => {
    for (const s of batch) {
      const { type } = s;
      if (
        type === 'run.started' ||
        type === 'run.succeeded' ||
        type === 'run.failed' ||
        type === 'run.cancelled'
      ) {
        const fields = {
          runId,
          ...(traceIdOf && { traceId: traceIdOf(runId) }),
          ...(type === 'run.started' && s.dagId && { dagId: s.dagId }),
          ...('error' in s && s.error && { error: s.error }),
          ...('reason' in s && s.reason && { reason: s.reason }),
        };
        if (type === 'run.failed') log.warn(fields, 'run failed');
        else log.info(fields, type === 'run.started' ? 'run started' : `run ${type.slice(4)}`);
      } else if (type === 'node.failed')
        log.warn(
          {
            runId,
            nodeId: s.nodeId,
            attempt: s.attempt,
            ...(traceIdOf && { traceId: traceIdOf(runId) }),
            error: s.error,
            willRetry: s.willRetry,
          },
          'node attempt failed',
        );
    }
  };
