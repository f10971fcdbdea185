import type { Ladder, Signal } from '@laneflow/core';
import type { Attempt, SpanEvent } from './attempt-span.ts';
import type { ModelCall } from './model-call.ts';
import { signalTime } from './signal-time.ts';
import { attemptSpanIdOf, runSpanIdOf, signalSpanIdOf, traceIdOf } from './trace-ids.ts';

export type Attributes = Record<string, string | number | boolean>;

/** A span of a run, finished: what the exporter turns into an OpenTelemetry span. */
export interface RunSpan {
  name: string;
  kind: 'internal' | 'client';
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  attributes: Attributes;
  events: ReadonlyArray<{ name: string; time: number; attributes: Attributes }>;
  links: ReadonlyArray<{ spanId: string; attributes: Attributes }>;
  error?: string;
}

/** The run's own span while it is open. */
type OpenRun = Omit<RunSpan, 'end'> & { end?: number };

/** Shared by every span without links or events. */
const NONE: readonly never[] = Object.freeze([]);
/** Shared by every attempt until its first event, which replaces it (never pushed to). */
const NO_EVENTS: SpanEvent[] = [];

/** Where finished spans go: attempts and model calls, nearly all of a run's, as their records. */
export interface RunSpanSink {
  span: (span: RunSpan) => void;
  attempt: (attempt: Attempt) => void;
  modelCall: (call: ModelCall) => void;
}

interface RunState {
  traceId: string;
  dagId?: string;
  run: OpenRun;
  ladder: Ladder;
  /** Each node's open attempt: a node has one at a time (the next is queued after it ends). */
  attempts: Map<string, Attempt>;
  /** Each node's latest attempt, for the link from an escalation child. */
  latest: Map<string, number>;
}

const time = (s: Signal) => signalTime(s.at);

/**
 * Turns a run's committed signals into spans, GenAI semantic conventions for model calls: the run is
 * the root, each node attempt a child of it from `node.queued` to its terminal lane, each `usage` (one
 * model call) a client span under its attempt; gate ratings, escalations and approvals are events.
 * An escalation child's attempt links to the parent attempt it came from.
 *
 * `replay` rebuilds the open spans from a run's earlier signals without emitting anything (a run
 * resumed after a crash), so what `apply` emits next continues the same spans under the same ids.
 */
export const createRunSpans = (sink: RunSpanSink) => {
  const runs = new Map<string, RunState>();

  const close = (a: Attempt, end: number, quiet: boolean) => {
    if (quiet) return;
    a.end = Math.max(end, a.start);
    sink.attempt(a);
  };

  /** Ends an attempt in its lane. Made once, not per signal: under tsx (keepNames) each closure
   * made also costs a property write. */
  const endAttempt = (state: RunState, a: Attempt, lane: string, at: number, quiet: boolean) => {
    a.lane = lane;
    state.attempts.delete(a.nodeId);
    close(a, at, quiet);
  };

  const event = (a: Attempt, s: Signal, name: string, attributes: Attributes) => {
    const e: SpanEvent = { name, time: time(s), attributes };
    if (a.events === NO_EVENTS) a.events = [e];
    else a.events.push(e);
  };

  const apply = (s: Signal, quiet: boolean) => {
    // Read once: signals of each type have their own shape, so every read of a field is a lookup.
    const { type } = s;
    if (type === 'run.started') {
      const traceId = traceIdOf(s.runId);
      const attributes: Attributes = { 'laneflow.run.id': s.runId };
      if (s.dagId) attributes['laneflow.dag.id'] = s.dagId;
      runs.set(s.runId, {
        traceId,
        ...(s.dagId && { dagId: s.dagId }),
        run: {
          name: `run ${s.dagId ?? s.runId}`,
          kind: 'internal',
          traceId,
          spanId: runSpanIdOf(s.runId),
          start: time(s),
          attributes,
          events: NONE,
          links: NONE,
        },
        ladder: s.ladder,
        attempts: new Map(),
        latest: new Map(),
      });
      return;
    }
    const state = runs.get(s.runId);
    if (!state) return;
    const at = time(s);
    if (type === 'run.succeeded' || type === 'run.failed' || type === 'run.cancelled') {
      for (const a of state.attempts.values()) close(a, at, quiet);
      const status = type.slice(4);
      state.run.attributes['laneflow.run.status'] = status;
      if (type === 'run.failed') state.run.error = s.error?.message ?? s.reason ?? 'run failed';
      if (s.reason) state.run.attributes['laneflow.run.reason'] = s.reason;
      if (!quiet) {
        state.run.end = Math.max(at, state.run.start);
        sink.span(state.run as RunSpan);
      }
      runs.delete(s.runId);
      return;
    }
    if (type === 'node.queued') {
      const parentAttempt = s.parentId ? state.latest.get(s.parentId) : undefined;
      const a: Attempt = {
        traceId: state.traceId,
        spanId: attemptSpanIdOf(s.runId, s.nodeId, s.attempt),
        parentSpanId: state.run.spanId,
        runId: s.runId,
        nodeId: s.nodeId,
        attempt: s.attempt,
        tier: s.tier,
        dagId: state.dagId,
        tierName: state.ladder[s.tier]?.name,
        // A label that only repeats the id would add bytes to every span and nothing to the trace.
        label: s.label && s.label !== s.nodeId ? s.label : undefined,
        parentId: s.parentId || undefined,
        spawnReason: s.spawnReason || undefined,
        model: undefined,
        start: at,
        last: at,
        end: at,
        startedAt: undefined,
        startedAfter: 0,
        events: NO_EVENTS,
        links:
          s.parentId && parentAttempt !== undefined
            ? [
                {
                  spanId: attemptSpanIdOf(s.runId, s.parentId, parentAttempt),
                  attributes: { 'laneflow.link': s.spawnReason ?? 'spawn' },
                },
              ]
            : NONE,
        lane: undefined,
        elapsedMs: undefined,
        errorType: undefined,
        willRetry: undefined,
        skipReason: undefined,
        error: undefined,
      };
      // An attempt left open by a log that never ended it ends where the next one begins.
      const stale = state.attempts.get(s.nodeId);
      if (stale) close(stale, at, quiet);
      state.attempts.set(s.nodeId, a);
      state.latest.set(s.nodeId, s.attempt);
      return;
    }
    const span = state.attempts.get(s.nodeId);
    if (!span || span.attempt !== s.attempt) return;
    switch (type) {
      case 'node.started':
        span.tier = s.tier;
        if (s.model) span.model = s.model;
        // Marks when the attempt left the queue; its tier and model are the span's own attributes.
        if (span.startedAt === undefined) {
          span.startedAt = at;
          span.startedAfter = span.events.length;
        } else event(span, s, 'node.started', {});
        break;
      case 'usage':
        if (!quiet)
          sink.modelCall({
            traceId: span.traceId,
            spanId: signalSpanIdOf(s.runId, s.seq),
            parentSpanId: span.spanId,
            // The call ended at its signal; it began after the attempt's previous signal.
            start: span.last,
            end: Math.max(at, span.last),
            provider: state.ladder[s.tier]?.provider ?? 'unknown',
            usage: s,
          });
        break;
      case 'confidence.rated':
        event(span, s, 'gate.rated', {
          'laneflow.gate.round': s.round,
          'laneflow.gate.overall': s.overall,
          'laneflow.gate.target': s.target,
          'laneflow.gate.passed': s.passed,
        });
        break;
      case 'confidence.passed':
      case 'confidence.escalated':
        event(span, s, type === 'confidence.passed' ? 'gate.passed' : 'gate.escalated', {
          'laneflow.gate.overall': s.overall,
          'laneflow.gate.target': s.target,
          'laneflow.gate.rounds': s.rounds,
        });
        break;
      case 'escalation.requested':
        event(span, s, 'escalation.requested', {
          'laneflow.escalation.trigger': s.request.trigger,
          'laneflow.escalation.urgency': s.request.urgency,
          'laneflow.escalation.reason': s.request.reason,
        });
        break;
      case 'node.awaiting_approval':
        event(span, s, 'approval.waiting', {
          'laneflow.approval.id': s.approvalId,
          ...(s.expiresAt && { 'laneflow.approval.expires_at': s.expiresAt }),
        });
        break;
      case 'approval.decided':
        event(span, s, 'approval.decided', {
          'laneflow.approval.id': s.approvalId,
          'laneflow.approval.decision': s.decision,
          'laneflow.approval.by': s.by,
        });
        break;
      case 'node.escalated':
        event(span, s, 'escalated', {
          'laneflow.escalation.route': s.route,
          'laneflow.escalation.trigger': s.request.trigger,
          'laneflow.escalation.reason': s.reason,
          'laneflow.escalation.from_tier': s.fromTier,
          ...(s.toTier !== undefined && { 'laneflow.escalation.to_tier': s.toTier }),
          ...(s.childId && { 'laneflow.escalation.child_id': s.childId }),
        });
        if (s.route === 'give_up') span.error = `gave up: ${s.reason}`;
        endAttempt(state, span, 'escalated', at, quiet);
        break;
      case 'node.succeeded':
        span.elapsedMs = s.elapsedMs;
        endAttempt(state, span, 'succeeded', at, quiet);
        break;
      case 'node.failed':
        span.errorType = s.error.code;
        span.willRetry = s.willRetry;
        span.error = s.error.message;
        endAttempt(state, span, 'failed', at, quiet);
        break;
      case 'node.skipped':
        span.skipReason = s.reason;
        endAttempt(state, span, 'skipped', at, quiet);
        break;
      case 'node.cancelled':
        endAttempt(state, span, 'cancelled', at, quiet);
        break;
    }
    span.last = at;
  };

  return {
    /** Applies a committed batch, emitting the spans it ends. */
    apply(batch: readonly Signal[]) {
      for (const s of batch) apply(s, false);
    },
    /** Rebuilds a run's open spans from its earlier signals, emitting nothing. */
    replay(history: readonly Signal[]) {
      for (const s of history) apply(s, true);
    },
  };
};
