/**
 * The local transport keeps the server's durability rule: a signal batch is committed to the store
 * before anyone sees it, and a run left unfinished in the store (a reloaded page) is resumed from
 * its committed signals by the next engine that opens the store.
 */
import type { Signal } from '@laneflow/core';
import { describe, expect, it } from 'vitest';
import { createLocalTransport, createMemoryStore, type LocalStore, type RunLock } from '../src/index.ts';
import { approvalDag, sleep } from './fixtures.ts';

/** A store whose commits can be held back (a slow disk) or stopped for good (the page went away). */
const controlledStore = (inner: LocalStore = createMemoryStore()) => {
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  let dead = false;
  const store: LocalStore = {
    ...inner,
    async appendSignals(runId, batch, record) {
      await gate;
      if (dead) return new Promise<void>(() => {});
      return inner.appendSignals(runId, batch, record);
    },
  };
  return {
    store,
    inner,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => open(),
    die() {
      dead = true;
    },
  };
};

const waitFor = async (what: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
};

describe('local transport durability', () => {
  it('shows no signal before its batch is committed', async () => {
    const disk = controlledStore();
    const t = createLocalTransport({ store: disk.store });
    disk.hold();
    const { runId } = await t.startRun({ dag: approvalDag() });
    const seen: Signal[] = [];
    const watch = t.watch(runId);
    void (async () => {
      for await (const s of watch) seen.push(s);
    })();
    await sleep(50);
    expect(seen).toEqual([]);
    expect((await t.getRun(runId)).lastSeq).toBe(0);
    expect(await disk.inner.signals(runId)).toEqual([]);

    disk.release();
    await waitFor(async () => seen.some((s) => s.type === 'node.awaiting_approval'));
    // Everything shown is in the store, in order.
    const stored = await disk.inner.signals(runId);
    expect(stored.map((s) => s.seq).slice(0, seen.length)).toEqual(seen.map((s) => s.seq));
    watch.close();
  });

  it('resumes a run left mid-way in the store and takes decisions on it', async () => {
    const disk = controlledStore();
    const first = createLocalTransport({ store: disk.store });
    const { runId } = await first.startRun({ dag: approvalDag() });
    await waitFor(async () => (await first.getRun(runId)).nodes.some((n) => n.lane === 'awaiting_approval'));
    const before = await disk.inner.signals(runId);
    const approvalId = before.find((s) => s.type === 'node.awaiting_approval')?.approvalId;
    disk.die(); // the page is gone: this engine commits nothing more

    const second = createLocalTransport({ store: disk.inner });
    const snap = await second.getRun(runId);
    expect(snap.run.status).toBe('running');
    expect(snap.lastSeq).toBe(before.length);
    // The same approval, asked once: the resumed run waits on it instead of asking again.
    expect((await second.approvals('pending')).map((a) => a.id)).toEqual([approvalId]);

    const seen: Signal[] = [];
    const watching = (async () => {
      for await (const s of second.watch(runId)) seen.push(s);
    })();
    await waitFor(async () => seen.length >= before.length);
    await second.decide(runId, approvalId as string, { decision: 'approved' });
    await watching;

    expect(seen.map((s) => s.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.filter((s) => s.type === 'node.awaiting_approval')).toHaveLength(1);
    const end = await second.getRun(runId);
    expect(end.run.status).toBe('succeeded');
    expect(Object.fromEntries(end.nodes.map((n) => [n.id, n.lane]))).toEqual({
      draft: 'succeeded',
      ok: 'succeeded',
      publish: 'succeeded',
    });
    // What the resumed engine committed is in the store too, gap-free.
    expect((await disk.inner.signals(runId)).map((s) => s.seq)).toEqual(seen.map((s) => s.seq));
  });

  it('closes an attempt cut off mid-work, runs it again, and streams the resumed run live', async () => {
    const disk = controlledStore();
    const first = createLocalTransport({ store: disk.store });
    const slowDraft = approvalDag();
    slowDraft.nodes[0] = {
      id: 'draft',
      kind: 'llm',
      prompt: 'Draft it',
      sim: { answer: 'the draft', latencyMs: 300 },
    };
    const { runId } = await first.startRun({ dag: slowDraft });
    await waitFor(async () => (await disk.inner.signals(runId)).some((s) => s.type === 'node.started'));
    disk.die();

    // A slow read (IndexedDB) puts the watch ahead of the resume: it must follow the run once resumed.
    const slowRead: LocalStore = {
      ...disk.inner,
      signals: (id) => sleep(50).then(() => disk.inner.signals(id)),
    };
    const second = createLocalTransport({ store: slowRead });
    const signals: Signal[] = [];
    const watching = (async () => {
      for await (const s of second.watch(runId)) signals.push(s);
    })();
    // The resumed run's new signals arrive while it runs: the approval cannot be decided without them.
    await waitFor(async () => signals.some((s) => s.type === 'node.awaiting_approval'));
    const approvalId = (await second.approvals('pending'))[0]?.id as string;
    await second.decide(runId, approvalId, { decision: 'approved' });
    await watching;
    expect(signals.at(-1)?.type).toBe('run.succeeded');
    expect(signals.map((s) => s.seq)).toEqual(signals.map((_, i) => i + 1));
    expect(signals).toContainEqual(
      expect.objectContaining({
        type: 'node.failed',
        nodeId: 'draft',
        error: expect.objectContaining({ code: 'interrupted' }),
      }),
    );
  });

  it('waits for the run lock before resuming, and re-reads what the last holder committed', async () => {
    const disk = controlledStore();
    const first = createLocalTransport({ store: disk.store });
    const { runId } = await first.startRun({ dag: approvalDag() });
    await waitFor(async () => (await first.getRun(runId)).nodes.some((n) => n.lane === 'awaiting_approval'));
    let grant = () => {};
    const runLock: RunLock = (_id, whileHeld) => {
      grant = () => void whileHeld();
    };
    const second = createLocalTransport({ store: disk.inner, runLock });
    const approvalId = (await second.approvals('pending'))[0]?.id as string;
    // Not held yet: this engine does not execute the run, so it cannot take the decision.
    await expect(second.cancelRun(runId)).rejects.toMatchObject({ status: 409 });
    // The holder decides, commits, and goes away; the next holder continues from there.
    await first.decide(runId, approvalId, { decision: 'approved' });
    await waitFor(async () => (await disk.inner.signals(runId)).some((s) => s.type === 'run.succeeded'));
    grant();
    const signals: Signal[] = [];
    for await (const s of second.watch(runId)) signals.push(s);
    expect(signals.at(-1)?.type).toBe('run.succeeded');
    expect(signals.filter((s) => s.type === 'approval.decided')).toHaveLength(1);
  });
});
