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
  run.emit(failed ? 'run.failed' : 'run.succeeded', failed ? { error: run.firstError as ErrorInfo } : {});
  void end(run, failed ? 'failed' : 'succeeded');
};

/** Resolves the run's result once every signal is committed and delivered. */
export const end = async (run: RunState, status: RunResult['status']): Promise<void> => {
  await run.emitter.drained();
  run.emitter.close();
  const outputs: Record<string, Json> = {};
  // The DAG's nodes are those without a parent. One pass over the records, not a lookup per node.
  run.nodes.forEach((node) => {
    if (node.parentId === undefined && node.resolution?.ok) outputs[node.id] = node.resolution.output ?? null;
  });
  const error = run.fatal !== undefined ? errorInfo(run.fatal) : run.firstError;
  // The handle outlives the run (its signals, view and decisions): the node records, the edge
  // conditions and the outputs by node id are not needed any more.
  run.nodes.clear();
  run.dag = { roots: [], byId: new Map(), conditions: new Map() };
  run.scope = Object.create(null);
  run.resolveResult({
    runId: run.runId,
    status,
    outputs,
    view: run.emitter.view,
    ...(error !== undefined && { error }),
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
    run.emit('node.cancelled', {
      nodeId: node.id,
      attempt: node.attempt,
      ...(reason !== undefined && { reason }),
    });
    finishNode(run, node);
  }
  run.emit('run.cancelled', reason !== undefined ? { reason } : {});
  void end(run, 'cancelled');
};
