// Exact recovery through the server's store, on each backend: a run whose log ends right after a
// committed decision (or in the middle of an attempt) is resumed by the run manager from what the
// store holds; the decision is carried out, never asked again, and the approval records and the run
// end as the uninterrupted run would.
import {
  createVirtualClock,
  type DagSpec,
  defaultLadder,
  type Signal,
  startRun,
  validateDag,
} from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../src/db.ts';
import { migrate } from '../src/migrations.ts';
import { createRunManager } from '../src/runs.ts';
import { createStore, type Store } from '../src/store.ts';
import { backends, removeTempDirs, storageFor } from './helpers.ts';

afterAll(removeTempDirs);

const dagOf = (raw: unknown): DagSpec => {
  const r = validateDag(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};

/** draft → review (approval) → publish, plus a human-rung escalation on `hard`. */
const dag = dagOf({
  id: 'recover',
  nodes: [
    { id: 'draft', kind: 'llm', prompt: 'draft', sim: { answer: 'D' } },
    { id: 'review', kind: 'approval', prompt: 'ok?', payload: '{{draft}}' },
    {
      id: 'hard',
      kind: 'llm',
      prompt: 'hard',
      sim: { escalate: { reason: 'needs a person', humanRequired: true } },
    },
    { id: 'publish', kind: 'transform', mapping: { review: '{{review}}', hard: '{{hard}}' } },
  ],
  edges: [
    { source: 'draft', target: 'review' },
    { source: 'review', target: 'publish' },
    { source: 'hard', target: 'publish' },
  ],
});

/** The whole run, every request approved (the human rung with an edit), on virtual time. */
const uninterrupted = async (runId: string): Promise<Signal[]> => {
  const clock = createVirtualClock();
  const h = startRun(dag, { runId, clock, ladder: defaultLadder });
  h.subscribe((s) => {
    if (s.type === 'node.awaiting_approval')
      queueMicrotask(() =>
        h.decide(s.approvalId, {
          decision: 'approved',
          by: 'ann',
          ...(s.nodeId !== 'review' && { output: 'H' }),
        }),
      );
  });
  const result = await h.result;
  clock.stop();
  expect(result.outputs.publish).toEqual({ review: 'D', hard: 'H' });
  return [...h.signals];
};

describe.each(backends)('recovery through the store on %s', (backend) => {
  let db: Db;
  let store: Store;

  beforeAll(async () => {
    db = await openDb(await storageFor(backend, `recovery_${backend}`));
    await migrate(db);
    store = createStore(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('carries out decisions committed just before the crash, on an approval node and on the human rung', async () => {
    const full = await uninterrupted('probe');
    const decided = full.flatMap((s, i) => (s.type === 'approval.decided' ? [i + 1] : []));
    expect(decided).toHaveLength(2);
    for (const [k, cut] of decided.entries()) {
      const runId = `cut-${backend}-${k}`;
      const history = full.slice(0, cut).map((s) => ({ ...s, runId }) as Signal);
      await store.createRun({ id: runId, dag, dagVersion: null, createdBy: 'test' });
      await store.appendSignals(runId, history);

      const manager = createRunManager({ store, ladder: defaultLadder });
      const handle = await manager.resume(runId);
      // The other request (still open in the log) is answered as before; the decided one never comes again.
      handle?.subscribe((s) => {
        if (s.type === 'node.awaiting_approval')
          queueMicrotask(() => handle.decide(s.approvalId, { decision: 'approved', output: 'H' }));
      });
      for (const s of history)
        if (
          s.type === 'node.awaiting_approval' &&
          handle?.view.nodes.get(s.nodeId)?.pendingApproval?.approvalId === s.approvalId
        )
          handle.decide(s.approvalId, {
            decision: 'approved',
            ...(s.nodeId !== 'review' && { output: 'H' }),
          });
      const result = await handle?.result;
      await manager.idle();
      manager.stop();

      expect(result?.status).toBe('succeeded');
      expect(result?.outputs.publish).toEqual({ review: 'D', hard: 'H' });
      const after = await store.allSignals(runId);
      expect(after.map((s) => s.seq)).toEqual(after.map((_, i) => i + 1));
      const asked = after.filter((s) => s.type === 'node.awaiting_approval');
      expect(asked).toHaveLength(2);
      const records = await Promise.all(
        asked.map(async (s) =>
          s.type === 'node.awaiting_approval' ? store.getApproval(s.approvalId) : undefined,
        ),
      );
      expect(records.map((r) => r?.status)).toEqual(['approved', 'approved']);
      expect((await store.runSummary(runId))?.status).toBe('succeeded');
    }
  });
});
