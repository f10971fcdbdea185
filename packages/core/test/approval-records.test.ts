import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApprovalRecord,
  approvalBatch,
  approvalRecords,
  projectRun,
  runTotals,
  type Signal,
  totalsDelta,
} from '../src/index.ts';
import { dagOf, decisionFor, type GenRun, genRun } from './random-runs.ts';
import { buildDag, ladderOf, start, within } from './run-helpers.ts';

/** Runs `g`, deciding by its policy and cancelling at `cancelAt` if given; every batch as committed. */
const runOf = async (g: GenRun, cancelAt?: number) => {
  const batches: Signal[][] = [];
  const run = start(dagOf(g), {
    ladder: ladderOf(g.models, g.human),
    maxConcurrency: g.maxConcurrency,
    log: { append: (b) => void batches.push([...b]) },
    onSignal: (s, h) => {
      if (s.seq === cancelAt) h.cancel('stop');
      const input = s.type === 'node.awaiting_approval' ? decisionFor(g, s) : undefined;
      if (s.type === 'node.awaiting_approval' && input) h.decide(s.approvalId, input);
    },
  });
  const result = await within(run.done(), 5000);
  return { result, signals: run.handle.signals, batches };
};

/** A table kept the way a store keeps it: one {@link approvalBatch} per committed batch. */
const tableOf = (batches: readonly Signal[][]): ApprovalRecord[] => {
  const rows = new Map<string, ApprovalRecord>();
  for (const batch of batches) {
    const { asked, decideEarlier, closeEarlier, runClosed } = approvalBatch(batch);
    for (const r of rows.values()) {
      const status = closeEarlier.get(r.nodeId) ?? (runClosed ? 'cancelled' : undefined);
      if (r.status === 'pending' && status) r.status = status;
    }
    for (const d of decideEarlier) {
      const r = rows.get(d.approvalId);
      if (r)
        Object.assign(r, {
          status: d.status,
          decidedBy: d.decidedBy,
          decidedAt: d.decidedAt,
          comment: d.comment,
        });
    }
    for (const r of asked) if (!rows.has(r.id)) rows.set(r.id, { ...r });
  }
  return [...rows.values()];
};

describe('approval records', () => {
  it('end with their wait: none pending after the run, the store table equals the fold', async () => {
    await fc.assert(
      fc.asyncProperty(genRun, fc.option(fc.integer({ min: 1, max: 40 })), async (g, cancelAt) => {
        const { signals, batches } = await runOf(g, cancelAt ?? undefined);
        const records = approvalRecords(signals);
        expect(records.filter((r) => r.status === 'pending')).toEqual([]);
        expect(records.map((r) => r.id)).toEqual(
          signals.flatMap((s) => (s.type === 'node.awaiting_approval' ? [s.approvalId] : [])),
        );
        for (const r of records) {
          const decided = signals.find((s) => s.type === 'approval.decided' && s.approvalId === r.id);
          if (decided?.type === 'approval.decided') expect(r.status).toBe(decided.decision);
          else expect(['expired', 'cancelled']).toContain(r.status);
        }
        expect(tableOf(batches)).toEqual(records);
        // Every prefix: a record is pending iff its node still shows it as pending.
        for (let i = 1; i <= signals.length; i += 7) {
          const prefix = signals.slice(0, i);
          const view = projectRun(prefix);
          const pending = approvalRecords(prefix)
            .filter((r) => r.status === 'pending')
            .map((r) => r.id);
          const shown = [...view.nodes.values()].flatMap((n) =>
            n.pendingApproval ? [n.pendingApproval.approvalId] : [],
          );
          expect(pending.sort()).toEqual(shown.sort());
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an approval that timed out into an escalation is expired', async () => {
    const dag = buildDag({
      nodes: [{ id: 'a', kind: 'approval', prompt: 'ok?', timeoutMs: 1000, onTimeout: 'escalate' }],
    });
    const run = start(dag, { ladder: ladderOf(1, true) });
    run.handle.subscribe((s) => {
      if (s.type === 'node.awaiting_approval' && s.nodeId !== 'a')
        run.handle.decide(s.approvalId, { decision: 'approved' });
    });
    await run.done();
    expect(approvalRecords(run.handle.signals).map((r) => [r.nodeId, r.status])).toEqual([
      ['a', 'expired'],
      ['a@t1', 'approved'],
    ]);
  });
});

describe('run totals', () => {
  it('adding up every batch gives the totals of the projection', async () => {
    await fc.assert(
      fc.asyncProperty(genRun, async (g) => {
        const { signals, batches } = await runOf(g);
        const sum = {
          status: 'pending',
          endedAt: null as string | null,
          lastSeq: 0,
          costUsd: 0,
          escalations: 0,
          nodes: 0,
        };
        for (const b of batches) {
          const d = totalsDelta(b);
          sum.lastSeq = d.lastSeq;
          sum.costUsd += d.costUsd;
          sum.escalations += d.escalations;
          sum.nodes += d.nodes;
          if (d.status) sum.status = d.status;
          if (d.endedAt) sum.endedAt = d.endedAt;
        }
        const want = runTotals(projectRun(signals));
        expect({ ...sum, costUsd: Number(sum.costUsd.toFixed(9)) }).toEqual({
          ...want,
          costUsd: Number(want.costUsd.toFixed(9)),
        });
      }),
      { numRuns: 40 },
    );
  });
});
