import type { Attributes, RunSpan } from './run-spans.ts';

export type SpanEvent = RunSpan['events'][number];

/**
 * A node attempt, from `node.queued` to its terminal lane, as fields rather than an attribute record
 * and events: one object per attempt, not six, for as long as the attempt is open (every node of a
 * wide DAG is queued at once). Written to protobuf as it is (`record-proto.ts`); {@link attemptSpan}
 * makes it a span. Every field is set when it is made, so all attempts share one shape.
 */
export interface Attempt {
  traceId: string;
  spanId: string;
  /** The run's span. */
  parentSpanId: string;
  runId: string;
  nodeId: string;
  attempt: number;
  tier: number;
  dagId: string | undefined;
  tierName: string | undefined;
  /** Left out when it only repeats the node id. */
  label: string | undefined;
  parentId: string | undefined;
  spawnReason: string | undefined;
  model: string | undefined;
  start: number;
  /** The time of the attempt's latest signal: where its next model call began. */
  last: number;
  end: number;
  /** When the attempt left the queue (`node.started`), and how many events came before it. */
  startedAt: number | undefined;
  startedAfter: number;
  events: SpanEvent[];
  links: RunSpan['links'];
  /** Its terminal lane; undefined when the run ended first. */
  lane: string | undefined;
  elapsedMs: number | undefined;
  errorType: string | undefined;
  willRetry: boolean | undefined;
  skipReason: string | undefined;
  error: string | undefined;
}

/** An attempt as a span: attributes in the order they became known, `node.started` among the events. */
export const attemptSpan = (a: Attempt): RunSpan => {
  const attributes: Attributes = {
    'laneflow.run.id': a.runId,
    'laneflow.node.id': a.nodeId,
    'laneflow.attempt': a.attempt,
    'laneflow.tier': a.tier,
  };
  if (a.dagId !== undefined) attributes['laneflow.dag.id'] = a.dagId;
  if (a.tierName !== undefined) attributes['laneflow.tier.name'] = a.tierName;
  if (a.label !== undefined) attributes['laneflow.node.label'] = a.label;
  if (a.parentId !== undefined) attributes['laneflow.node.parent_id'] = a.parentId;
  if (a.spawnReason !== undefined) attributes['laneflow.node.spawn_reason'] = a.spawnReason;
  if (a.model !== undefined) attributes['laneflow.model'] = a.model;
  if (a.elapsedMs !== undefined) attributes['laneflow.elapsed_ms'] = a.elapsedMs;
  if (a.errorType !== undefined) attributes['error.type'] = a.errorType;
  if (a.willRetry !== undefined) attributes['laneflow.will_retry'] = a.willRetry;
  if (a.skipReason !== undefined) attributes['laneflow.skip_reason'] = a.skipReason;
  if (a.lane !== undefined) attributes['laneflow.lane'] = a.lane;
  const events = [...a.events];
  if (a.startedAt !== undefined)
    events.splice(a.startedAfter, 0, { name: 'node.started', time: a.startedAt, attributes: {} });
  return {
    name: `node ${a.nodeId}`,
    kind: 'internal',
    traceId: a.traceId,
    spanId: a.spanId,
    parentSpanId: a.parentSpanId,
    start: a.start,
    end: a.end,
    attributes,
    events,
    links: a.links,
    ...(a.error !== undefined && { error: a.error }),
  };
};
