/**
 * The three engines the executor benchmark runs over the same shapes. Each `prepare` builds what the
 * engine needs before the clock starts; the returned `run` executes the whole DAG once.
 */
import { type DagSpec, DagSpecSchema, startRun } from '@laneflow/core';
import type { Shape } from './dags.ts';

export const engines = ['floor', 'laneflow', 'langgraph'] as const;
export type Engine = (typeof engines)[number];

export interface Prepared {
  /** Runs the DAG once and returns what the run leaves behind; rejects when it did not do what it should. */
  run(): Promise<unknown>;
  /** Setup time outside the measured runs (LangGraph's compile), in ms. */
  setupMs: number;
}

// ---- laneflow --------------------------------------------------------------------------------

/** Every node is a `transform` with a constant mapping: its work returns it at once. */
export const toDagSpec = (shape: Shape): DagSpec =>
  DagSpecSchema.parse({
    id: `bench-${shape.workload}-${shape.ids.length}`,
    nodes: shape.ids.map((id) => ({ id, kind: 'transform', mapping: 0 })),
    edges: shape.deps.flatMap((deps, i) =>
      deps.map((d) => ({ source: shape.ids[d] as string, target: shape.ids[i] as string })),
    ),
  });

const prepareLaneflow = (shape: Shape): Prepared => {
  const dag = toDagSpec(shape);
  const n = shape.ids.length;
  return {
    setupMs: 0,
    async run() {
      const handle = startRun(dag, { maxConcurrency: 1e9 });
      const result = await handle.result;
      if (result.status !== 'succeeded') throw new Error(`laneflow run ${result.status}`);
      // run.started + 3 per node + run.succeeded
      if (handle.signals.length !== 3 * n + 2)
        throw new Error(`laneflow emitted ${handle.signals.length} signals, expected ${3 * n + 2}`);
      return handle;
    },
  };
};

// ---- floor -----------------------------------------------------------------------------------

interface FloorSignal {
  type: 'node.queued' | 'node.started' | 'node.succeeded';
  runId: string;
  seq: number;
  at: string;
  nodeId: string;
  attempt: number;
  tier?: number;
  output?: number;
  elapsedMs?: number;
}

/**
 * The floor: the least a topological runner that emits the same per-node signals can do. It builds its
 * dependency counts from the DAG, stamps `seq` and `at` on every signal and awaits once per node.
 */
export const floorRun = (shape: Shape): Promise<FloorSignal[]> =>
  new Promise((resolve) => {
    const runId = 'floor';
    const { ids, deps } = shape;
    const n = ids.length;
    const signals: FloorSignal[] = [];
    let seq = 0;
    const remaining = new Int32Array(n);
    const dependents: number[][] = ids.map(() => []);
    for (let i = 0; i < n; i++) {
      const ds = deps[i] as number[];
      remaining[i] = ds.length;
      for (const d of ds) (dependents[d] as number[]).push(i);
    }
    for (let i = 0; i < n; i++)
      signals.push({
        type: 'node.queued',
        runId,
        seq: ++seq,
        at: new Date().toISOString(),
        nodeId: ids[i] as string,
        attempt: 1,
        tier: 0,
      });
    let done = 0;
    const runNode = async (i: number) => {
      const nodeId = ids[i] as string;
      const startedAt = Date.now();
      signals.push({
        type: 'node.started',
        runId,
        seq: ++seq,
        at: new Date(startedAt).toISOString(),
        nodeId,
        attempt: 1,
        tier: 0,
      });
      await Promise.resolve();
      const now = Date.now();
      signals.push({
        type: 'node.succeeded',
        runId,
        seq: ++seq,
        at: new Date(now).toISOString(),
        nodeId,
        attempt: 1,
        output: 0,
        elapsedMs: now - startedAt,
      });
      for (const d of dependents[i] as number[]) if (--(remaining[d] as number) === 0) void runNode(d);
      if (++done === n) resolve(signals);
    };
    for (let i = 0; i < n; i++) if (remaining[i] === 0) void runNode(i);
  });

const prepareFloor = (shape: Shape): Prepared => ({
  setupMs: 0,
  async run() {
    const signals = await floorRun(shape);
    if (signals.length !== 3 * shape.ids.length) throw new Error('floor run lost signals');
    return signals;
  },
});

// ---- LangGraph.js ----------------------------------------------------------------------------

const prepareLanggraph = async (shape: Shape): Promise<Prepared> => {
  const { Annotation, END, START, StateGraph } = await import('@langchain/langgraph');
  const t0 = performance.now();
  const State = Annotation.Root({
    ran: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  });
  // Node names are dynamic, so the builder's literal-name typing is of no help here.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const graph: any = new StateGraph(State);
  let ran = 0;
  const work = async () => {
    ran++;
    await Promise.resolve();
    return {};
  };
  const { ids, deps } = shape;
  const hasDependents = new Uint8Array(ids.length);
  for (const id of ids) graph.addNode(id, work);
  ids.forEach((id, i) => {
    const ds = deps[i] as number[];
    for (const d of ds) hasDependents[d] = 1;
    if (ds.length === 0) graph.addEdge(START, id);
    else if (ds.length === 1) graph.addEdge(ids[ds[0] as number], id);
    // Fan-in: a list of sources is a join — the target runs once, after all of them.
    else
      graph.addEdge(
        ds.map((d) => ids[d]),
        id,
      );
  });
  ids.forEach((id, i) => {
    if (!hasDependents[i]) graph.addEdge(id, END);
  });
  const app = graph.compile();
  const setupMs = performance.now() - t0;
  return {
    setupMs,
    async run() {
      ran = 0;
      const state = await app.invoke({}, { recursionLimit: ids.length + 100 });
      if (ran !== ids.length) throw new Error(`langgraph ran ${ran} nodes, expected ${ids.length}`);
      return state;
    },
  };
};

export const prepare = async (engine: Engine, shape: Shape): Promise<Prepared> =>
  engine === 'laneflow'
    ? prepareLaneflow(shape)
    : engine === 'floor'
      ? prepareFloor(shape)
      : prepareLanggraph(shape);
