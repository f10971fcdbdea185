import type { Decision, ErrorInfo, Json, SkipReason } from '../signals.ts';
import type { TemplateScope } from '../template.ts';
import type { Clock } from './clock.ts';
import type { DagIndex, LadderIndex } from './dag-index.ts';
import type { Emitter } from './emitter.ts';
import type { DecisionInput, NodeRecord } from './node-record.ts';
import type { Provider } from './provider.ts';

/** A request waiting for a decision. */
export interface PendingApproval {
  timer?: unknown;
  settle: (d: DecisionInput & { by: string }) => void;
}

/** What a finished run resolves with. */
export interface RunResult {
  runId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Output of every DAG node whose escalation chain ended in success, by DAG node id. */
  outputs: Record<string, Json>;
  error?: ErrorInfo;
  view: Emitter['view'];
}

/** Limits and sources a run is started with. */
export interface RunConfig extends LadderIndex {
  runId: string;
  clock: Clock;
  ids: () => string;
  random: () => number;
  providers: Record<string, Provider>;
  maxConcurrency: number;
  maxSpawn: number;
  maxDepth: number;
}

/**
 * Everything one run holds, in one record: the executor's modules are functions over it. The run is
 * `live` until it finishes or is cancelled; nothing is emitted after its last signal.
 */
export interface RunState extends RunConfig {
  dag: DagIndex;
  emitter: Emitter;
  nodes: Map<string, NodeRecord>;
  /** Nodes that may start once a slot is free, oldest first, from `readyHead` on. */
  ready: NodeRecord[];
  readyHead: number;
  /** Requests waiting for a decision, by approval id. */
  approvals: Map<string, PendingApproval>;
  /** Requests no longer waiting: their decision, or `late` when none may follow (timed out, ended). */
  decided: Map<string, { decision?: Decision; late: boolean }>;
  /** Node attempts whose escalation was routed (`id#attempt`). */
  routed: Set<string>;
  /** The DAG nodes that ended in success and their outputs, in the order they ended. */
  outputIds: string[];
  outputValues: Json[];
  /** Run inputs and the output of every chain that ended in success, by root id. */
  scope: TemplateScope;
  running: number;
  /** Nodes not yet done. */
  open: number;
  spawned: number;
  finished: boolean;
  cancelled: boolean;
  firstError?: ErrorInfo;
  /** Why the log stopped taking signals, if it did. */
  fatal?: unknown;
  /** Skips waiting to cascade (a worklist keeps a 10,000-node chain off the call stack). */
  skips: Array<[NodeRecord, SkipReason]>;
  skipping: boolean;
  resolveResult: (r: RunResult) => void;
  runAbort: AbortController;
}
