// The commit counters sum runs of equal labels within a batch before counting them: whatever the
// mix of tiers, models and lanes in a batch, the totals are those of counting signal by signal.
import type { Signal } from '@laneflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/observe/metrics.ts';

const usage = fc.record({
  type: fc.constant('usage' as const),
  tier: fc.integer({ min: 0, max: 2 }),
  model: fc.constantFrom('small-a', 'small-b', 'large'),
  inputTokens: fc.nat({ max: 5000 }),
  outputTokens: fc.nat({ max: 5000 }),
  costUsd: fc.integer({ min: 0, max: 1000 }).map((c) => c / 1024),
});
const terminal = fc.record({
  type: fc.constantFrom('node.succeeded', 'node.failed', 'node.skipped', 'node.cancelled'),
});
const other = fc.record({ type: fc.constantFrom('node.queued', 'node.started') });
const batch = fc.array(fc.oneof(usage, terminal, other), { maxLength: 60 });

const values = async (metrics: ReturnType<typeof createMetrics>, name: string) => {
  const metric = metrics.registry.getSingleMetric(name);
  const out: Record<string, number> = {};
  for (const v of (await metric?.get())?.values ?? []) out[JSON.stringify(v.labels)] = v.value;
  return out;
};

describe('commit counters', () => {
  it('count a batch as its signals one by one would', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { maxLength: 4 }), async (batches) => {
        const metrics = createMetrics({ activeRuns: () => 0, approvalsWaiting: async () => 0 });
        for (const b of batches) metrics.onCommitted('r', b as unknown as Signal[]);
        const calls: Record<string, number> = {};
        const tokens: Record<string, number> = {};
        const cost: Record<string, number> = {};
        const lanes: Record<string, number> = {};
        const add = (to: Record<string, number>, labels: object, n: number) => {
          const key = JSON.stringify(labels);
          to[key] = (to[key] ?? 0) + n;
        };
        for (const s of batches.flat()) {
          if (s.type === 'usage') {
            const tier = String(s.tier);
            add(calls, { tier, model: s.model }, 1);
            add(tokens, { tier, direction: 'input' }, s.inputTokens);
            add(tokens, { tier, direction: 'output' }, s.outputTokens);
            add(cost, { tier }, s.costUsd);
          } else if (s.type !== 'node.queued' && s.type !== 'node.started')
            add(lanes, { lane: s.type.slice(5) }, 1);
        }
        expect(await values(metrics, 'laneflow_model_calls_total')).toEqual(calls);
        expect(await values(metrics, 'laneflow_model_tokens_total')).toEqual(tokens);
        expect(await values(metrics, 'laneflow_model_cost_usd_total')).toEqual(cost);
        expect(await values(metrics, 'laneflow_node_terminal_total')).toEqual(lanes);
      }),
      { numRuns: 200 },
    );
  });
});
