/**
 * The page of the browser test, bundled with esbuild: the engine in a Web Worker (worker.js, built
 * from src/worker/worker-entry.ts) behind createWorkerTransport. On first load it saves a DAG, starts
 * a run, watches it to the end and decides its approval on the way; with `#check` (after a reload) it
 * reads back what IndexedDB kept. Results go to `window.laneflowResult`.
 */
import type { DagSpecInput, Signal } from '@laneflow/core';
import { type ConnectionState, createWorkerTransport, HttpError } from '../../src/index.ts';

declare global {
  interface Window {
    laneflowResult?: unknown;
  }
}

const DAG_ID = 'browser-demo';
const dag: DagSpecInput = {
  id: DAG_ID,
  name: 'Browser demo',
  nodes: [
    {
      id: 'plan',
      kind: 'llm',
      prompt: 'List topics',
      sim: { answer: { topics: ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'] }, latencyMs: 20 },
    },
    {
      id: 'each',
      kind: 'map',
      items: '{{plan.topics}}',
      prompt: 'Research {{item}}',
      sim: { latencyMs: 30 },
    },
    { id: 'ok', kind: 'approval', prompt: 'Publish the research?', payload: '{{each}}' },
    { id: 'publish', kind: 'llm', prompt: 'Publish {{each}}', sim: { answer: 'published' } },
  ],
  edges: [
    { source: 'plan', target: 'each' },
    { source: 'each', target: 'ok' },
    { source: 'ok', target: 'publish' },
  ],
};

const errorInfo = (err: unknown) =>
  err instanceof HttpError
    ? { httpError: true, status: err.status, code: err.code, issues: err.issues.length }
    : { httpError: false, message: String(err) };

const transport = createWorkerTransport(new Worker('./worker.js', { type: 'module' }));

const firstVisit = async () => {
  const saved = await transport.saveDag(dag);
  const invalid = await transport.saveDag({ id: 'bad', nodes: [] } as never).then(() => null, errorInfo);
  const { runId } = await transport.startRun({ dagId: DAG_ID });
  const watch = transport.watch(runId);
  const states: ConnectionState[] = [watch.state];
  watch.onStateChange((s) => states.push(s));
  const signals: Signal[] = [];
  const decisions: unknown[] = [];
  for await (const s of watch) {
    signals.push(s);
    if (s.type === 'node.awaiting_approval') {
      const inbox = await transport.approvals('pending');
      decisions.push({ inbox: inbox.map((a) => a.id) });
      decisions.push(await transport.decide(runId, s.approvalId, { decision: 'approved', comment: 'go' }));
      decisions.push(await transport.decide(runId, s.approvalId, { decision: 'approved' }));
      decisions.push(
        await transport.decide(runId, s.approvalId, { decision: 'rejected' }).then(() => null, errorInfo),
      );
    }
  }
  const snap = await transport.getRun(runId);
  return {
    phase: 'run',
    runId,
    savedVersion: saved.version,
    invalid,
    seqs: signals.map((s) => s.seq),
    types: signals.map((s) => s.type),
    approvalId: signals.find((s) => s.type === 'node.awaiting_approval')?.approvalId,
    decisions,
    states,
    finalState: watch.state,
    status: snap.run.status,
    lanes: Object.fromEntries(snap.nodes.map((n) => [n.id, n.lane])),
    missingRun: await transport.getRun('nope').then(() => null, errorInfo),
  };
};

const afterReload = async () => {
  const dags = await transport.listDags();
  const { runs } = await transport.listRuns();
  const run = runs[0];
  const replay: number[] = [];
  let snap: Awaited<ReturnType<typeof transport.getRun>> | undefined;
  if (run) {
    for await (const s of transport.watch(run.id)) replay.push(s.seq);
    snap = await transport.getRun(run.id);
  }
  return {
    phase: 'check',
    dags: dags.map((d) => ({ id: d.id, version: d.version, nodes: d.nodes })),
    dag: (await transport.getDag(DAG_ID)).spec.nodes.map((n) => n.id),
    runs: runs.map((r) => ({ id: r.id, status: r.status, dagId: r.dagId, lastSeq: r.lastSeq })),
    replay,
    lanes: snap && Object.fromEntries(snap.nodes.map((n) => [n.id, n.lane])),
    approvals: (await transport.approvals('approved')).map((a) => ({ id: a.id, comment: a.comment })),
    cancelFinished: run ? await transport.cancelRun(run.id).then(() => null, errorInfo) : null,
  };
};

(location.hash === '#check' ? afterReload() : firstVisit()).then(
  (result) => {
    window.laneflowResult = result;
  },
  (err: unknown) => {
    window.laneflowResult = { error: String((err as Error)?.stack ?? err) };
  },
);
