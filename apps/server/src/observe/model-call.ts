import type { Signal } from '@laneflow/core';
import type { RunSpan } from './run-spans.ts';

/**
 * A model call, one `usage` signal: a client span under its attempt, kept as the signal it came from
 * so the protobuf writer need not make the span ({@link modelCallSpan} makes it).
 */
export interface ModelCall {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  start: number;
  end: number;
  provider: string;
  usage: Extract<Signal, { type: 'usage' }>;
}

/** A model call as a span, GenAI semantic conventions. */
export const modelCallSpan = (c: ModelCall): RunSpan => ({
  name: `chat ${c.usage.model}`,
  kind: 'client',
  traceId: c.traceId,
  spanId: c.spanId,
  parentSpanId: c.parentSpanId,
  start: c.start,
  end: c.end,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': c.provider,
    'gen_ai.request.model': c.usage.model,
    'gen_ai.usage.input_tokens': c.usage.inputTokens,
    'gen_ai.usage.output_tokens': c.usage.outputTokens,
    'laneflow.tier': c.usage.tier,
    'laneflow.cost_usd': c.usage.costUsd,
    'laneflow.run.id': c.usage.runId,
    'laneflow.node.id': c.usage.nodeId,
    'laneflow.attempt': c.usage.attempt,
  },
  events: [],
  links: [],
});
