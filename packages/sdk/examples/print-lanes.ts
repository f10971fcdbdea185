import { apply, createRunView, type DagSpecInput } from '@laneflow/core';
import { createLocalTransport, createRemoteTransport, type RunTransport } from '@laneflow/sdk';

// A small DAG on the simulated model: plan, research each topic, a human approval, then write.
const dag: DagSpecInput = {
  id: 'print-lanes-demo',
  name: 'Print lanes demo',
  nodes: [
    { id: 'plan', kind: 'llm', prompt: 'Pick topics', sim: { answer: { topics: ['cost', 'speed'] } } },
    {
      id: 'research',
      kind: 'map',
      items: '{{plan.topics}}',
      prompt: 'Research {{item}}',
      sim: { latencyMs: 50 },
    },
    { id: 'review', kind: 'approval', prompt: 'Publish this research?', payload: '{{research}}' },
    { id: 'write', kind: 'llm', prompt: 'Write up {{research}}', sim: { answer: 'The report.' } },
  ],
  edges: [
    { source: 'plan', target: 'research' },
    { source: 'research', target: 'review' },
    { source: 'review', target: 'write' },
  ],
};

/** Saves the DAG, starts a run, prints every lane change, approves what asks, and says how it ended. */
async function printLanes(transport: RunTransport): Promise<void> {
  await transport.saveDag(dag);
  const { runId } = await transport.startRun({ dagId: dag.id });
  const view = createRunView(); // the same projection the server and the dashboard use
  const printed = new Map<string, string>();
  for await (const signal of transport.watch(runId)) {
    apply(view, signal);
    const node = 'nodeId' in signal ? view.nodes.get(signal.nodeId) : undefined;
    if (node && printed.get(node.id) !== node.lane) {
      printed.set(node.id, node.lane);
      console.log(`[${transport.kind}] #${signal.seq} ${node.id.padEnd(12)} ${node.lane}`);
    }
    if (signal.type === 'node.awaiting_approval')
      await transport.decide(runId, signal.approvalId, { decision: 'approved', comment: 'ship it' });
  }
  console.log(`[${transport.kind}] run ${runId} ${view.status} after ${view.lastSeq} signals`);
}

// 1. On a laneflow server (needs a token with the approver role or higher).
await printLanes(
  createRemoteTransport({
    baseUrl: process.env.LANEFLOW_URL ?? 'http://127.0.0.1:8787',
    token: process.env.LANEFLOW_TOKEN,
  }),
);

// 2. The same, with the engine in this process (in a browser: createWorkerTransport).
await printLanes(createLocalTransport());
