import type { ErrorInfo, Json } from '../signals.ts';
import { closeDesk } from './approval-desk.ts';
import { errorInfo } from './attempt.ts';
import { finishNode } from './lifecycle.ts';
import type { RunResult, RunState } from './run-state.ts';

/** Ends the run once no node is left open: `run.failed` if anything failed or gave up. */
export const settle = (run: RunState): void => {
  if (run.finished || run.open > 0 || run.cancelled) return;
  run.finished = true;
  const failed = run.firstError !== undefined;
  run.emitter.emit(
    failed ? 'run.failed' : 'run.succeeded',
    failed ? { error: run.firstError as ErrorInfo } : {},
  );
  void end(run, failed ? 'failed' : 'succeeded');
};

/** Resolves the run's result once every signal is committed and delivered. */
export const end = async (run: RunState, status: RunResult['status']): Promise<void> => {
  await run.emitter.drained();
  run.emitter.close();
  const error = run.fatal !== undefined ? errorInfo(run.fatal) : run.firstError;
  // The handle outlives the run (its signals, view and decisions): the node records and the edge
  // conditions are not needed any more.
  run.nodes.clear();
  run.dag = { roots: [], byId: new Map(), conditions: new Map() };
  run.resolveResult(
    withOutputs(
      {
        runId: run.runId,
        status,
        view: run.emitter.view,
        ...(error !== undefined && { error }),
      },
      run.outputIds,
      run.outputValues,
    ),
  );
};

/**
 * Gives the result its `outputs` by node id (in the order the nodes ended), made when first read: a run of 10,000 nodes whose
 * caller reads none of them does not fill a 10,000-entry table (dearer per entry than the rest of a
 * no-op node's bookkeeping). An enumerable property like any other: spread, JSON and
 * `structuredClone` see it.
 */
const withOutputs = (result: Omit<RunResult, 'outputs'>, ids: string[], values: Json[]): RunResult => {
  let outputs: Record<string, Json> | undefined;
  return Object.defineProperty(result as RunResult, 'outputs', {
    enumerable: true,
    configurable: true,
    get() {
      if (outputs === undefined) {
        outputs = {};
        for (let i = 0; i < ids.length; i++) outputs[ids[i] as string] = values[i] as Json;
      }
      return outputs;
    },
  });
};

/** Aborts running work, cancels every node not yet done, then `run.cancelled`. */
export const cancel = (run: RunState, reason?: string): void => {
  if (run.finished || run.cancelled) return;
  run.cancelled = true;
  run.finished = true;
  run.runAbort.abort(reason);
  closeDesk(run);
  for (const node of run.nodes.values()) {
    if (node.phase === 'done') continue;
    // Waiting out a retry backoff, the node's attempt already ended (node.failed{willRetry}):
    // drop the retry; a node.cancelled now would be a second terminal signal for that attempt.
    if (node.phase === 'retry') {
      finishNode(run, node);
      continue;
    }
    node.work?.abort(reason);
    run.emitter.emit('node.cancelled', {
      nodeId: node.id,
      attempt: node.attempt,
      ...(reason !== undefined && { reason }),
    });
    finishNode(run, node);
  }
  run.emitter.emit('run.cancelled', reason !== undefined ? { reason } : {});
  void end(run, 'cancelled');
};
