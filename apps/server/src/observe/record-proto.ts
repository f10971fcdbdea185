/**
 * Node attempts and model calls, nearly all of a run's spans, written to OTLP protobuf from their
 * records: the bytes `writeRunSpan` writes for the span each record makes (`attemptSpan`,
 * `modelCallSpan`), without making the span, its attribute record and its events, and with each
 * key's bytes looked up once.
 */

import type { Attempt } from './attempt-span.ts';
import { attribute, keyField } from './attribute-proto.ts';
import type { ModelCall } from './model-call.ts';
import { type ProtoWriter, tag, varint } from './proto-writer.ts';
import { beginSpan, endSpan, writeEvent, writeLinks } from './span-proto.ts';

const K = {
  runId: keyField('laneflow.run.id'),
  nodeId: keyField('laneflow.node.id'),
  attempt: keyField('laneflow.attempt'),
  tier: keyField('laneflow.tier'),
  dagId: keyField('laneflow.dag.id'),
  tierName: keyField('laneflow.tier.name'),
  label: keyField('laneflow.node.label'),
  parentId: keyField('laneflow.node.parent_id'),
  spawnReason: keyField('laneflow.node.spawn_reason'),
  model: keyField('laneflow.model'),
  elapsedMs: keyField('laneflow.elapsed_ms'),
  errorType: keyField('error.type'),
  willRetry: keyField('laneflow.will_retry'),
  skipReason: keyField('laneflow.skip_reason'),
  lane: keyField('laneflow.lane'),
  operation: keyField('gen_ai.operation.name'),
  provider: keyField('gen_ai.provider.name'),
  requestModel: keyField('gen_ai.request.model'),
  inputTokens: keyField('gen_ai.usage.input_tokens'),
  outputTokens: keyField('gen_ai.usage.output_tokens'),
  costUsd: keyField('laneflow.cost_usd'),
};
const NO_LINKS: Attempt['links'] = [];
const STARTED = { name: 'node.started', time: 0, attributes: {} };

/** Appends a node attempt as `ScopeSpans.spans`. */
export const writeAttempt = (w: ProtoWriter, a: Attempt) => {
  const s = beginSpan(w, a.traceId, a.spanId, a.parentSpanId, 'node ', 'internal', a.start, a.end, a.nodeId);
  attribute(w, 9, K.runId, a.runId);
  attribute(w, 9, K.nodeId, a.nodeId);
  attribute(w, 9, K.attempt, a.attempt);
  attribute(w, 9, K.tier, a.tier);
  if (a.dagId !== undefined) attribute(w, 9, K.dagId, a.dagId);
  if (a.tierName !== undefined) attribute(w, 9, K.tierName, a.tierName);
  if (a.label !== undefined) attribute(w, 9, K.label, a.label);
  if (a.parentId !== undefined) attribute(w, 9, K.parentId, a.parentId);
  if (a.spawnReason !== undefined) attribute(w, 9, K.spawnReason, a.spawnReason);
  if (a.model !== undefined) attribute(w, 9, K.model, a.model);
  if (a.elapsedMs !== undefined) attribute(w, 9, K.elapsedMs, a.elapsedMs);
  if (a.errorType !== undefined) attribute(w, 9, K.errorType, a.errorType);
  if (a.willRetry !== undefined) attribute(w, 9, K.willRetry, a.willRetry);
  if (a.skipReason !== undefined) attribute(w, 9, K.skipReason, a.skipReason);
  if (a.lane !== undefined) attribute(w, 9, K.lane, a.lane);
  tag(w, 10, 0);
  varint(w, 0);
  const events = a.events;
  for (let i = 0; i <= events.length; i++) {
    if (i === a.startedAfter && a.startedAt !== undefined) {
      STARTED.time = a.startedAt;
      writeEvent(w, STARTED);
    }
    const e = events[i];
    if (e) writeEvent(w, e);
  }
  writeLinks(w, a.traceId, a.links);
  endSpan(w, s, a.error);
};

/** Appends a model call as `ScopeSpans.spans`. */
export const writeModelCall = (w: ProtoWriter, c: ModelCall) => {
  const u = c.usage;
  const s = beginSpan(w, c.traceId, c.spanId, c.parentSpanId, 'chat ', 'client', c.start, c.end, u.model);
  attribute(w, 9, K.operation, 'chat');
  attribute(w, 9, K.provider, c.provider);
  attribute(w, 9, K.requestModel, u.model);
  attribute(w, 9, K.inputTokens, u.inputTokens);
  attribute(w, 9, K.outputTokens, u.outputTokens);
  attribute(w, 9, K.tier, u.tier);
  attribute(w, 9, K.costUsd, u.costUsd);
  attribute(w, 9, K.runId, u.runId);
  attribute(w, 9, K.nodeId, u.nodeId);
  attribute(w, 9, K.attempt, u.attempt);
  tag(w, 10, 0);
  varint(w, 0);
  writeLinks(w, c.traceId, NO_LINKS);
  endSpan(w, s, undefined);
};
