/**
 * Profiling helper (not part of the benchmark table): runs one case repeatedly in this process.
 *   node [--cpu-prof] --expose-gc --import tsx src/executor/profile.ts WORKLOAD N RUNS [ENGINE]
 * Prints the median and best wall time per node and, with --expose-gc and a large young generation
 * (--max-semi-space-size=512), the bytes one run allocates per node.
 */
import { makeShape, type Workload } from './dags.ts';
import { type Engine, prepare } from './engines.ts';

const [workload = 'fanout', n = '10000', runs = '20', engine = 'laneflow'] = process.argv.slice(2);
const N = Number(n);
const prepared = await prepare(engine as Engine, makeShape(workload as Workload, N));
const gc = (globalThis as { gc?: () => void }).gc;
const times: number[] = [];
const cpus: number[] = [];
for (let i = 0; i < Number(runs); i++) {
  gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await prepared.run();
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpus.push((c.user + c.system) / 1000);
}
times.sort((a, b) => a - b);
cpus.sort((a, b) => a - b);
const us = (ms: number) => ((ms * 1000) / N).toFixed(2);
let alloc = '';
if (gc) {
  gc();
  const h0 = process.memoryUsage().heapUsed;
  const kept = await prepared.run();
  const h1 = process.memoryUsage().heapUsed;
  gc();
  const h2 = process.memoryUsage().heapUsed;
  alloc = `, allocates ${Math.round((h1 - h0) / N)} B/node, keeps ${Math.round((h2 - h0) / N)} B/node`;
  void kept;
}
console.log(
  `${engine} ${workload} ${n}: median ${us(times[times.length >> 1] as number)} µs/node, best ${us(times[0] as number)}, cpu median ${us(cpus[cpus.length >> 1] as number)} best ${us(cpus[0] as number)}${alloc}`,
);
