/**
 * The RunTransport contract: one suite, run against every transport (contract.test.ts). What a user
 * of the interface may rely on, whether the run executes on a server or in this process.
 */
import type { Signal, SignalOf } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, type RunTransport } from '../src/index.ts';
import { approvalDag, chainDag, collect, isType, oneTo, seqs, sleep, slowDag, uniqueId } from './fixtures.ts';
import type { TransportFactory, TransportUnderTest } from './transports.ts';

/** The rejection of `p`, which must be an HttpError with this status (and code). */
const httpError = async (p: Promise<unknown>, status: number, code?: string): Promise<HttpError> => {
  const err = await p.then(
    () => new Error(`expected HttpError ${status}, but it succeeded`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  const h = err as HttpError;
  expect(h.status).toBe(status);
  if (code !== undefined) expect(h.code).toBe(code);
  return h;
};

/** Watches a run from the start to its end. */
const watchToEnd = async (t: RunTransport, runId: string) => {
  const w = t.watch(runId);
  const signals: Signal[] = [];
  for await (const s of w) signals.push(s);
  return { signals, watch: w };
};

/** Waits until `getRun` reports the run as ended (a server commits its status with the last batch). */
const settled = async (t: RunTransport, runId: string) => {
  for (let i = 0; i < 400; i++) {
    const snap = await t.getRun(runId);
    if (['succeeded', 'failed', 'cancelled'].includes(snap.run.status)) return snap;
    await sleep(25);
  }
  throw new Error(`run ${runId} did not end`);
};

export const transportContract = (name: string, factory: TransportFactory) =>
  describe(`RunTransport contract: ${name}`, () => {
    let under: TransportUnderTest;
    let t: RunTransport;
    beforeAll(async () => {
      under = await factory();
      t = under.transport;
    });
    afterAll(async () => {
      await under?.close();
    });

    it('saves a DAG, saves it again as a new version, lists, gets and deletes it', async () => {
      const spec = chainDag(uniqueId('crud'), 'First');
      const v1 = await t.saveDag(spec);
      expect(v1).toMatchObject({ id: spec.id, version: 1, name: 'First' });
      expect(v1.spec.nodes.map((n) => n.id)).toEqual(['plan', 'write', 'review']);

      const v2 = await t.saveDag({ ...spec, name: 'Second' });
      expect(v2).toMatchObject({ id: spec.id, version: 2, name: 'Second' });

      const listed = (await t.listDags()).find((d) => d.id === spec.id);
      expect(listed).toMatchObject({ id: spec.id, version: 2, name: 'Second', nodes: 3 });
      expect(listed).not.toHaveProperty('spec');

      const got = await t.getDag(spec.id);
      expect(got).toMatchObject({ id: spec.id, version: 2, name: 'Second' });
      expect(got.spec.edges).toHaveLength(2);

      // Versions, newest first: a server keeps them all, a browser's store the latest.
      const versions = await t.dagVersions(spec.id);
      expect(versions[0]).toMatchObject({ version: 2, name: 'Second', nodes: 3, edges: 2 });
      expect(versions.map((v) => v.version)).toEqual(t.kind === 'remote' ? [2, 1] : [2]);
      expect((await t.getDagVersion(spec.id, 2)).name).toBe('Second');
      if (t.kind === 'remote') expect((await t.getDagVersion(spec.id, 1)).spec.name).toBe('First');
      await httpError(t.getDagVersion(spec.id, 99), 404, 'not_found');

      await t.deleteDag(spec.id);
      await httpError(t.getDag(spec.id), 404, 'not_found');
      await httpError(t.dagVersions(spec.id), 404, 'not_found');
      expect((await t.listDags()).some((d) => d.id === spec.id)).toBe(false);
      await httpError(t.deleteDag(spec.id), 404, 'not_found');
    });

    it('refuses a save from a version that is no longer the newest, naming the field', async () => {
      const spec = chainDag(uniqueId('stale'), 'First');
      const v1 = await t.saveDag(spec);
      // Someone saves from version 1; an edit that also started from it is refused, not applied.
      expect((await t.saveDag({ ...v1.spec, name: 'Theirs' })).version).toBe(2);
      const stale = await httpError(t.saveDag({ ...v1.spec, name: 'Mine' }), 409, 'stale_version');
      expect(stale.issues).toEqual([
        { path: 'version', code: 'stale_version', message: 'the newest version is 2' },
      ]);
      expect((await t.getDag(spec.id)).name).toBe('Theirs');
      // Saving over it is a save without a base version.
      const { version: _, ...mine } = v1.spec;
      expect(await t.saveDag({ ...mine, name: 'Mine' })).toMatchObject({ version: 3, name: 'Mine' });
    });

    it('rejects an invalid DAG with 400 invalid_dag and the issues, on save and on start', async () => {
      const empty = await httpError(
        t.saveDag({ id: uniqueId('empty'), nodes: [] } as never),
        400,
        'invalid_dag',
      );
      expect(empty.issues).toContainEqual(expect.objectContaining({ path: 'nodes' }));

      const cyclic = {
        id: uniqueId('cycle'),
        nodes: [
          { id: 'a', kind: 'llm', prompt: 'a' },
          { id: 'b', kind: 'llm', prompt: 'b' },
        ],
        edges: [
          { source: 'a', target: 'b' },
          { source: 'b', target: 'a' },
        ],
      };
      const cycle = await httpError(t.saveDag(cyclic as never), 400, 'invalid_dag');
      expect(cycle.issues).toContainEqual(expect.objectContaining({ path: 'edges', code: 'cycle' }));
      // The message itself names the field and the problem, alike on every transport.
      const edgeIssue = cycle.issues.find((i) => i.path === 'edges');
      expect(cycle.message).toContain(`edges: ${edgeIssue?.message}`);
      expect(cycle.message).toMatch(/^invalid DAG: /);
      await httpError(t.getDag(cyclic.id), 404);

      const inline = await httpError(t.startRun({ dag: cyclic as never }), 400, 'invalid_dag');
      expect(inline.issues.length).toBeGreaterThan(0);
    });

    it('starts a run by dagId; watch delivers seq 1..N in order, then ends', async () => {
      const spec = chainDag();
      await t.saveDag(spec);
      const { runId } = await t.startRun({ dagId: spec.id });
      expect(runId).toEqual(expect.any(String));

      const { signals, watch } = await watchToEnd(t, runId);
      expect(seqs(signals)).toEqual(oneTo(signals.length));
      expect(signals[0]).toMatchObject({ type: 'run.started', runId, dagId: spec.id });
      expect(signals.at(-1)?.type).toBe('run.succeeded');
      expect(signals.every((s) => s.runId === runId)).toBe(true);
      expect(watch.state).toBe('closed');
      expect(watch.lastSeq).toBe(signals.length);

      // The same log through the paging endpoint, and a watch resumed from the middle.
      const paged = [...(await t.signals(runId, 0, 5)), ...(await t.signals(runId, 5))];
      expect(paged.map((s) => [s.seq, s.type])).toEqual(signals.map((s) => [s.seq, s.type]));
      const half = Math.floor(signals.length / 2);
      const rest: Signal[] = [];
      for await (const s of t.watch(runId, { after: half })) rest.push(s);
      expect(seqs(rest)).toEqual(oneTo(signals.length).slice(half));
    });

    it('getRun returns the snapshot: status, lanes per node, counts, lastSeq', async () => {
      const spec = chainDag();
      const { runId } = await t.startRun({ dag: spec });
      const { signals } = await watchToEnd(t, runId);
      const snap = await settled(t, runId);
      expect(snap.run).toMatchObject({ id: runId, dagId: spec.id, status: 'succeeded', nodes: 3 });
      expect(snap.lastSeq).toBe(signals.length);
      expect(snap.dag.id).toBe(spec.id);
      expect(Object.fromEntries(snap.nodes.map((n) => [n.id, n.lane]))).toEqual({
        plan: 'succeeded',
        write: 'succeeded',
        review: 'succeeded',
      });
      expect(snap.counts.succeeded).toBe(3);
      await httpError(t.getRun('no-such-run'), 404, 'not_found');
    });

    it('starts a run from an inline DAG; refuses an unknown dagId or neither', async () => {
      const spec = chainDag(uniqueId('inline'));
      const { runId } = await t.startRun({ dag: spec, inputs: { topic: 'x' } });
      const { signals } = await watchToEnd(t, runId);
      expect(signals[0]).toMatchObject({ type: 'run.started', dagId: spec.id });
      expect(signals.at(-1)?.type).toBe('run.succeeded');
      // An inline DAG is not saved.
      await httpError(t.getDag(spec.id), 404);

      await httpError(t.startRun({ dagId: uniqueId('missing') }), 404, 'not_found');
      await httpError(t.startRun({}), 400, 'invalid_request');
    });

    it('economics: a saved DAG’s finished run is in its history and costs; an unknown DAG is 404', async () => {
      const spec = chainDag();
      await t.saveDag(spec);
      expect((await t.economics(spec.id)).runs).toEqual([]);
      const { runId } = await t.startRun({ dagId: spec.id });
      await watchToEnd(t, runId);
      await settled(t, runId);
      let e = await t.economics(spec.id);
      // A browser folds the run just after its end; a server in the commit of its last batch.
      for (let i = 0; i < 200 && e.runs.length === 0; i++) {
        await sleep(10);
        e = await t.economics(spec.id);
      }
      expect(e.runs).toEqual([expect.objectContaining({ runId, status: 'succeeded' })]);
      expect(e.runs[0]?.costUsd).toBeGreaterThan(0);
      expect(e.tiers[0]).toBe('small');
      expect(e.nodes.map((n) => [n.nodeId, n.totalRuns, n.tiers[0]?.tier, n.tiers[0]?.passRate])).toEqual([
        ['plan', 1, 'small', 1],
        ['review', 1, 'small', 1],
        ['write', 1, 'small', 1],
      ]);
      await httpError(t.economics(uniqueId('missing')), 404);
    });

    it('watching an unknown run fails with 404', async () => {
      const w = t.watch('no-such-run');
      await httpError(
        (async () => {
          for await (const _ of w) {
          }
        })(),
        404,
      );
      expect(w.state).toBe('closed');
    });

    it('approvals: the inbox lists a pending approval; decide, a repeat is a duplicate, the opposite 409', async () => {
      const spec = approvalDag();
      await t.saveDag(spec);
      const { runId } = await t.startRun({ dagId: spec.id });
      const c = collect(t.watch(runId));
      const asked = await c.until(isType('node.awaiting_approval'), 'node.awaiting_approval');
      expect(asked).toMatchObject({ nodeId: 'ok', prompt: 'Ship the draft?', payload: 'the draft' });

      // The server records the approval with the batch the watcher saw; poll briefly.
      let inbox = await t.approvals('pending');
      for (let i = 0; i < 100 && !inbox.some((a) => a.id === asked.approvalId); i++) {
        await sleep(20);
        inbox = await t.approvals();
      }
      expect(inbox.find((a) => a.id === asked.approvalId)).toMatchObject({
        id: asked.approvalId,
        runId,
        nodeId: 'ok',
        status: 'pending',
        prompt: 'Ship the draft?',
        decidedBy: null,
      });
      expect((await t.getRun(runId)).nodes.find((n) => n.id === 'ok')?.lane).toBe('awaiting_approval');

      await httpError(t.decide(runId, 'no-such-approval', { decision: 'approved' }), 404, 'not_found');
      expect(await t.decide(runId, asked.approvalId, { decision: 'approved', comment: 'ship it' })).toEqual({
        duplicate: false,
      });
      expect(await t.decide(runId, asked.approvalId, { decision: 'approved' })).toEqual({ duplicate: true });
      await httpError(t.decide(runId, asked.approvalId, { decision: 'rejected' }), 409, 'conflict');

      const signals = await c.done;
      expect(seqs(signals)).toEqual(oneTo(signals.length));
      expect(signals.find(isType('approval.decided'))).toMatchObject({
        approvalId: asked.approvalId,
        decision: 'approved',
        comment: 'ship it',
      });
      expect(signals.at(-1)?.type).toBe('run.succeeded');
      await settled(t, runId);

      // After the run: the record shows the decision, a repeat is still a duplicate, the opposite 409.
      const approved = await t.approvals('approved');
      expect(approved.find((a) => a.id === asked.approvalId)).toMatchObject({
        status: 'approved',
        comment: 'ship it',
        decidedBy: expect.any(String),
      });
      expect((await t.approvals('pending')).some((a) => a.id === asked.approvalId)).toBe(false);
      expect(await t.decide(runId, asked.approvalId, { decision: 'approved' })).toEqual({ duplicate: true });
      await httpError(t.decide(runId, asked.approvalId, { decision: 'rejected' }), 409, 'conflict');
    });

    it('a rejected approval skips what depends on it', async () => {
      const { runId } = await t.startRun({ dag: approvalDag() });
      const c = collect(t.watch(runId));
      const asked = await c.until(isType('node.awaiting_approval'), 'node.awaiting_approval');
      expect(await t.decide(runId, asked.approvalId, { decision: 'rejected' })).toEqual({ duplicate: false });
      const signals = await c.done;
      expect(seqs(signals)).toEqual(oneTo(signals.length));
      const snap = await settled(t, runId);
      expect(snap.nodes.find((n) => n.id === 'publish')?.lane).toBe('skipped');
      expect((await t.approvals('rejected')).some((a) => a.id === asked.approvalId)).toBe(true);
    });

    it('cancel stops a running run; cancelling a finished run is 409 run_finished', async () => {
      const { runId } = await t.startRun({ dag: slowDag() });
      const c = collect(t.watch(runId));
      await c.until((s): s is Signal => s.type === 'node.started', 'node.started');
      await t.cancelRun(runId, 'changed my mind');
      const signals = await c.done;
      expect(seqs(signals)).toEqual(oneTo(signals.length));
      expect(signals.find(isType('node.cancelled'))).toMatchObject({ nodeId: 'wait' });
      expect(signals.at(-1)).toMatchObject({ type: 'run.cancelled', reason: 'changed my mind' });
      const snap = await settled(t, runId);
      expect(snap.run.status).toBe('cancelled');
      expect(snap.nodes.find((n) => n.id === 'wait')?.lane).toBe('cancelled');
      await httpError(t.cancelRun(runId), 409, 'run_finished');
      await httpError(t.cancelRun('no-such-run'), 404, 'not_found');
    });

    it('cancel while an approval waits: the approval is cancelled, deciding it is 409', async () => {
      const { runId } = await t.startRun({ dag: approvalDag() });
      const c = collect(t.watch(runId));
      const asked = await c.until(isType('node.awaiting_approval'), 'node.awaiting_approval');
      await t.cancelRun(runId);
      const signals = await c.done;
      expect(signals.at(-1)?.type).toBe('run.cancelled');
      await settled(t, runId);
      expect((await t.approvals('cancelled')).some((a) => a.id === asked.approvalId)).toBe(true);
      expect((await t.approvals('pending')).some((a) => a.id === asked.approvalId)).toBe(false);
      await httpError(t.decide(runId, asked.approvalId, { decision: 'approved' }), 409);
    });

    it('an approval that times out into an escalation leaves the inbox as expired; the human rung asks once', async () => {
      const { runId } = await t.startRun({
        dag: {
          id: uniqueId('expire'),
          nodes: [{ id: 'ok', kind: 'approval', prompt: 'Ship?', timeoutMs: 200, onTimeout: 'escalate' }],
          edges: [],
        },
      });
      const c = collect(t.watch(runId));
      const first = await c.until(isType('node.awaiting_approval'), 'node.awaiting_approval');
      const human = await c.until(
        (s): s is SignalOf<'node.awaiting_approval'> =>
          s.type === 'node.awaiting_approval' && s.approvalId !== first.approvalId,
        'the human rung',
      );
      expect(human.nodeId).toBe('ok@t3');
      let pending = await t.approvals('pending');
      for (let i = 0; i < 100 && !pending.some((a) => a.id === human.approvalId); i++) {
        await sleep(20);
        pending = await t.approvals('pending');
      }
      expect(pending.some((a) => a.id === first.approvalId)).toBe(false);
      expect((await t.approvals('expired')).find((a) => a.id === first.approvalId)).toMatchObject({
        nodeId: 'ok',
      });
      await httpError(t.decide(runId, first.approvalId, { decision: 'approved' }), 409);
      expect(await t.decide(runId, human.approvalId, { decision: 'approved' })).toEqual({ duplicate: false });
      await c.done;
      await settled(t, runId);
      expect((await t.approvals('approved')).some((a) => a.id === human.approvalId)).toBe(true);
    });

    it('listRuns lists runs newest first, filters by status and pages with a cursor', async () => {
      const spec = chainDag();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { runId } = await t.startRun({ dag: spec });
        await watchToEnd(t, runId);
        await settled(t, runId);
        ids.push(runId);
      }
      const all = await t.listRuns();
      const mine = all.runs.filter((r) => ids.includes(r.id));
      expect(mine.map((r) => r.id)).toEqual([...ids].reverse());
      expect(mine[0]).toMatchObject({ dagId: spec.id, dagName: 'Chain', status: 'succeeded', nodes: 3 });
      expect(mine[0]?.lastSeq).toBeGreaterThan(0);

      const succeeded = await t.listRuns({ status: 'succeeded', limit: 500 });
      expect(succeeded.runs.every((r) => r.status === 'succeeded')).toBe(true);
      expect(ids.every((id) => succeeded.runs.some((r) => r.id === id))).toBe(true);
      const cancelled = await t.listRuns({ status: 'cancelled', limit: 500 });
      expect(cancelled.runs.some((r) => ids.includes(r.id))).toBe(false);

      const first = await t.listRuns({ limit: 1 });
      expect(first.runs).toHaveLength(1);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await t.listRuns({ limit: 1, cursor: first.nextCursor as string });
      expect(second.runs).toHaveLength(1);
      expect(second.runs[0]?.id).not.toBe(first.runs[0]?.id);
    });
  });
