/**
 * Profiling helper (not part of the benchmark table): how many functions V8 optimises during each run
 * of one case, with a full collection before every run as the benchmark does. Once warm, a run should
 * optimise next to nothing; a count that stays high means hot code keeps being thrown away (for
 * example code optimised for an object layout that a collection made V8 forget).
 *   node --import tsx src/executor/reoptimise.ts [WORKLOAD] [N] [RUNS] [ENGINE]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeShape, type Workload } from './dags.ts';
import { type Engine, prepare } from './engines.ts';

const [workload = 'chain', n = '10000', runs = '14', engine = 'laneflow'] = process.argv
  .slice(2)
  .filter((a) => a !== '--child');

if (process.argv.includes('--child')) {
  // The child: runs the case and marks where each run ends, between V8's own trace lines.
  const gc = (globalThis as { gc?: () => void }).gc as () => void;
  const prepared = await prepare(engine as Engine, makeShape(workload as Workload, Number(n)));
  for (let i = 0; i < Number(runs); i++) {
    gc();
    const t0 = performance.now();
    await prepared.run();
    console.log(`@run ${(performance.now() - t0).toFixed(1)}`);
  }
} else {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--trace-opt',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      workload,
      n,
      runs,
      engine,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let optimised = 0;
  let buffered = '';
  const rows: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('[completed optimizing')) optimised++;
      else if (line.startsWith('@run ')) {
        rows.push(`| ${rows.length + 1} | ${line.slice(5)} | ${optimised} |`);
        optimised = 0;
      }
    }
  });
  child.on('close', () => {
    console.log(`${engine} ${workload} ${n}\n\n| run | ms | functions optimised |\n| ---: | ---: | ---: |`);
    console.log(rows.join('\n'));
  });
}
