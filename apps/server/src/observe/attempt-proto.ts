/**
 * A node attempt written to OTLP protobuf from its record: the bytes `writeRunSpan` writes for its
 * `attemptSpan`, without making the span, its attribute record and its events, and with each key's
 * bytes looked up once.
 */

import type { Attempt } from './attempt-span.ts';
import { attribute, keyField } from './attribute-proto.ts';
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
};
const STARTED = { name: 'node.started', time: 0, attributes: {} };

/** Appends a node attempt as `ScopeSpans.spans`. */
export const writeAttempt = (w: ProtoWriter, a: Attempt) => {
  const s = beginSpan(w, a.traceId, a.spanId, a.parentSpanId, `node ${a.nodeId}`, 'internal', a.start, a.end);
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
