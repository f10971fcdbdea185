import {
  type DagSpec,
  defaultLadder,
  type Lane,
  type NodeView,
  projectRun,
  type Signal,
  type SignalOf,
  type SignalType,
} from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { RunContext } from '../src/run/run-context.ts';
import { useSelection } from '../src/run/selection.ts';

export const XSS = '<img src=x onerror=alert(1)>';

type Fields<T extends SignalType> = Omit<SignalOf<T>, 'type' | 'seq' | 'runId' | 'at'>;

/** Builds a gap-free signal log with timestamps 100 ms apart. */
export const recorder = (runId = 'run-1', t0 = Date.parse('2025-01-01T00:00:00.000Z')) => {
  const signals: Signal[] = [];
  let t = t0;
  const push = <T extends SignalType>(type: T, fields: Fields<T>): SignalOf<T> => {
    t += 100;
    const s = {
      type,
      runId,
      seq: signals.length + 1,
      at: new Date(t).toISOString(),
      ...fields,
    } as unknown as SignalOf<T>;
    signals.push(s as unknown as Signal);
    return s;
  };
  return { signals, push };
};

const request = {
  reason: 'confidence below target',
  trigger: 'low_confidence',
  urgency: 'blocked',
  fromTier: 0,
  ratings: { correctness: 0.7, completeness: 0.96 },
  confidence: 0.7,
} as const;

/**
 * A run where `draft` escalates (gate below target) to `draft@2` on the next tier, which passes and
 * outputs markup; `review` waits for approval with a markup payload; `notify` is skipped.
 */
export const scenario = (options: { decided?: boolean } = {}) => {
  const { signals, push } = recorder();
  push('run.started', { dagId: 'demo', ladder: defaultLadder });
  push('node.queued', { nodeId: 'draft', attempt: 1, tier: 0, label: 'Draft' });
  push('node.queued', { nodeId: 'review', attempt: 1, tier: 0, label: 'Review' });
  push('node.queued', { nodeId: 'notify', attempt: 1, tier: 0 });
  push('node.started', { nodeId: 'draft', attempt: 1, tier: 0, model: 'sim-small' });
  push('usage', {
    nodeId: 'draft',
    attempt: 1,
    tier: 0,
    model: 'sim-small',
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.001,
  });
  push('confidence.rated', {
    nodeId: 'draft',
    attempt: 1,
    ratings: { correctness: 0.7, completeness: 0.96 },
    overall: 0.7,
    target: 0.95,
    passed: false,
    round: 1,
  });
  push('confidence.escalated', { nodeId: 'draft', attempt: 1, overall: 0.7, target: 0.95, rounds: 1 });
  push('escalation.requested', { nodeId: 'draft', attempt: 1, request });
  push('node.escalated', {
    nodeId: 'draft',
    attempt: 1,
    route: 'higher_tier',
    reason: 'confidence below target',
    fromTier: 0,
    toTier: 1,
    childId: 'draft@2',
    request,
  });
  push('node.queued', {
    nodeId: 'draft@2',
    attempt: 1,
    tier: 1,
    label: 'Draft (medium)',
    parentId: 'draft',
    spawnReason: 'escalation',
  });
  push('node.started', { nodeId: 'draft@2', attempt: 1, tier: 1, model: 'sim-medium' });
  push('usage', {
    nodeId: 'draft@2',
    attempt: 1,
    tier: 1,
    model: 'sim-medium',
    inputTokens: 200,
    outputTokens: 80,
    costUsd: 0.01,
  });
  push('confidence.rated', {
    nodeId: 'draft@2',
    attempt: 1,
    ratings: { correctness: 0.97, completeness: 0.99 },
    overall: 0.97,
    target: 0.95,
    passed: true,
    round: 1,
  });
  push('confidence.passed', { nodeId: 'draft@2', attempt: 1, overall: 0.97, target: 0.95, rounds: 1 });
  push('node.succeeded', { nodeId: 'draft@2', attempt: 1, output: XSS, elapsedMs: 1234 });
  push('node.started', { nodeId: 'review', attempt: 1, tier: 0 });
  push('node.awaiting_approval', {
    nodeId: 'review',
    attempt: 1,
    approvalId: 'ap-1',
    prompt: `Publish this? ${XSS}`,
    payload: { html: XSS, draft: { text: 'hello' } },
  });
  if (options.decided) {
    push('approval.decided', {
      nodeId: 'review',
      attempt: 1,
      approvalId: 'ap-1',
      decision: 'approved',
      by: 'alice',
      comment: 'ok',
    });
    push('node.succeeded', { nodeId: 'review', attempt: 1, output: { published: true }, elapsedMs: 10 });
  }
  push('node.skipped', { nodeId: 'notify', attempt: 1, reason: 'condition_false' });
  return { signals, view: projectRun(signals) };
};

export const dag: DagSpec = {
  id: 'demo',
  name: 'Demo',
  nodes: [
    { id: 'draft', kind: 'transform' },
    { id: 'review', kind: 'approval' },
    { id: 'notify', kind: 'transform' },
  ],
  edges: [],
} as unknown as DagSpec;

export const fakeTransport = (overrides: Partial<RunTransport> = {}): RunTransport =>
  ({
    kind: 'local',
    decide: vi.fn(async () => ({ duplicate: false })),
    ...overrides,
  }) as unknown as RunTransport;

/** Providers a run view's components need: React Flow's store, the run context, react-query. */
export const Providers = ({
  children,
  transport = fakeTransport(),
  readOnly = false,
}: {
  children: ReactNode;
  transport?: RunTransport;
  readOnly?: boolean;
}) => {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return (
    <QueryClientProvider client={client}>
      <ReactFlowProvider>
        <RunContext.Provider value={{ transport, runId: 'run-1', readOnly }}>{children}</RunContext.Provider>
      </ReactFlowProvider>
    </QueryClientProvider>
  );
};

export const resetSelection = () => useSelection.setState({ nodeId: undefined, seq: undefined });

/** A node in `lane`, for rendering lane nodes in isolation. */
export const nodeIn = (lane: Lane, extra: Partial<NodeView> = {}): NodeView => ({
  id: `n-${lane}`,
  label: `Node ${lane}`,
  lane,
  attempt: 1,
  tier: 0,
  children: [],
  usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, calls: 0 },
  rev: 1,
  ...extra,
});

/** `#rrggbb` → `rgb(r, g, b)`, since DOM style may report either. */
export const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};
export const sameColor = (actual: string, hex: string) =>
  actual.toLowerCase() === hex.toLowerCase() || actual.replace(/\s/g, '') === rgb(hex).replace(/\s/g, '');
