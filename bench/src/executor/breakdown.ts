/**
 * Profiling helper (not part of the table): splits a laneflow run's per-node cost into the projection
 * fold, the emitter (stamp + commit + fold) and the rest of the executor.
 *   node --expose-gc --import tsx src/executor/breakdown.ts WORKLOAD N
 */
import { createEmitter, createMemoryLog, projectRun, realClock, type Signal, startRun } from '@laneflow/core';
import { makeShape, type Workload } from './dags.ts';
import { toDagSpec } from './engines.ts';

const [workload = 'chain', n = '10000', reps = '15'] = process.argv.slice(2);
const N = Number(n);
const dag = toDagSpec(makeShape(workload as Workload, N));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const time = async (fn: () => unknown): Promise<number> => {
  const xs: number[] = [];
  for (let i = 0; i < Number(reps); i++) {
    gc();
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    xs.push((c.user + c.system) / N);
  }
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1] as number;
};

const handle = startRun(dag, { maxConcurrency: 1e9 });
await handle.result;
const signals = [...handle.signals] as Signal[];

const full = await time(async () => {
  await startRun(dag, { maxConcurrency: 1e9 }).result;
});
const fold = await time(() => projectRun(signals));
const emitOnly = await time(async () => {
  const e = createEmitter({ runId: 'x', log: createMemoryLog(), clock: realClock, onFatal: () => {} });
  for (const s of signals) {
    const { type, runId: _r, seq: _s, at: _a, ...fields } = s;
    // biome-ignore lint/suspicious/noExplicitAny: replaying recorded fields
    e.emit(type as any, fields as any);
    if ((s.seq & 63) === 0) await Promise.resolve();
  }
  await e.drained();
});
console.log(
  `${workload} ${N}: full run ${full.toFixed(2)} µs/node (cpu), projection fold ${fold.toFixed(2)}, emitter incl. fold (+ field copy) ${emitOnly.toFixed(2)}`,
);
