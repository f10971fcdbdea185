/** DAGs and helpers shared by the SDK suites. Every DAG runs on the deterministic `sim` model. */
import type { DagSpecInput, Signal } from '@laneflow/core';
import type { RunWatch } from '../src/index.ts';

let counter = 0;
/** A DAG id no other test uses (transports are shared across a suite). */
export const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;

/** plan → write → review: three quick llm nodes. */
export const chainDag = (id = uniqueId('chain'), name = 'Chain'): DagSpecInput => ({
  id,
  name,
  nodes: [
    { id: 'plan', kind: 'llm', prompt: 'Plan a short note', sim: { answer: 'a plan' } },
    { id: 'write', kind: 'llm', prompt: 'Write from {{plan}}', sim: { answer: 'a note' } },
    { id: 'review', kind: 'llm', prompt: 'Review {{write}}', sim: { answer: 'looks good' } },
  ],
  edges: [
    { source: 'plan', target: 'write' },
    { source: 'write', target: 'review' },
  ],
});

/** draft → ok (a human approval) → publish. */
export const approvalDag = (id = uniqueId('approve')): DagSpecInput => ({
  id,
  name: 'Needs approval',
  nodes: [
    { id: 'draft', kind: 'llm', prompt: 'Draft it', sim: { answer: 'the draft' } },
    { id: 'ok', kind: 'approval', prompt: 'Ship the draft?', payload: '{{draft}}' },
    { id: 'publish', kind: 'llm', prompt: 'Publish {{draft}}', sim: { answer: 'published' } },
  ],
  edges: [
    { source: 'draft', target: 'ok' },
    { source: 'ok', target: 'publish' },
  ],
});

/** One node that takes a minute: something to cancel. */
export const slowDag = (id = uniqueId('slow')): DagSpecInput => ({
  id,
  nodes: [{ id: 'wait', kind: 'llm', prompt: 'Take your time', sim: { latencyMs: 60_000 } }],
  edges: [],
});

/**
 * plan lists `items` topics; a map node runs one child per topic, each taking `latencyMs`: about
 * 4 + 3 × items signals spread over time (a stream to cut in the middle).
 */
export const fanOutDag = (items: number, latencyMs: number, id = uniqueId('fan')): DagSpecInput => ({
  id,
  name: `Fan out ${items}`,
  nodes: [
    {
      id: 'plan',
      kind: 'llm',
      prompt: 'List topics',
      sim: { answer: { topics: Array.from({ length: items }, (_, i) => `topic ${i}`) } },
    },
    {
      id: 'each',
      kind: 'map',
      items: '{{plan.topics}}',
      prompt: 'Research {{item}}',
      maxItems: 1000,
      sim: { latencyMs },
    },
    { id: 'sum', kind: 'llm', prompt: 'Summarise {{each}}', sim: { answer: 'summary' } },
  ],
  edges: [
    { source: 'plan', target: 'each' },
    { source: 'each', target: 'sum' },
  ],
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Consumes a watch in the background; `until` waits for a signal matching a predicate. */
export const collect = (watch: RunWatch) => {
  const signals: Signal[] = [];
  let ended = false;
  const done = (async () => {
    try {
      for await (const s of watch) signals.push(s);
      return signals;
    } finally {
      ended = true;
    }
  })();
  done.catch(() => {});
  return {
    signals,
    done,
    async until<T extends Signal>(pred: (s: Signal) => s is T, what = 'signal', timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = signals.find(pred);
        if (hit) return hit;
        if (ended) throw new Error(`the watch ended without ${what}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(10);
      }
    },
  };
};

/** The seqs of a stream, and 1..n for comparing with them. */
export const seqs = (signals: readonly Signal[]) => signals.map((s) => s.seq);
export const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export const isType =
  <T extends Signal['type']>(type: T) =>
  (s: Signal): s is Extract<Signal, { type: T }> =>
    s.type === type;
