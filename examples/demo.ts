// `pnpm demo`: runs the example DAG in the terminal and prints a live lane table.
import {
  type Lane,
  laneLabel,
  laneTable,
  type RunHandle,
  type RunView,
  startRun,
  validateDag,
} from '@laneflow/core';
import researchBrief from './research-brief.json' with { type: 'json' };

const tty = process.stdout.isTTY === true;
const table = (view: RunView, now: number) => laneTable(view, now, tty);

/** Redraws the table in place on a terminal; elsewhere prints each lane change once. */
const watch = (handle: RunHandle) => {
  let drawn = 0;
  const seen = new Map<string, Lane>();
  const draw = () => {
    const text = table(handle.view, Date.now());
    if (tty) {
      if (drawn > 0) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
      process.stdout.write(`${text}\n`);
      drawn = text.split('\n').length;
    }
  };
  const timer = setInterval(draw, 100);
  handle.subscribe((s) => {
    if (tty || !('nodeId' in s)) return;
    const node = handle.view.nodes.get(s.nodeId);
    if (node && seen.get(node.id) !== node.lane) {
      seen.set(node.id, node.lane);
      console.log(`${(node.label ?? node.id).padEnd(34)} ${laneLabel(node.lane, false)}`);
    }
  });
  return async () => {
    await handle.result;
    clearInterval(timer);
    if (tty) draw();
    else console.log(table(handle.view, Date.now()));
  };
};

const parsed = validateDag(researchBrief);
if (!parsed.ok) throw new Error(`example DAG is invalid: ${JSON.stringify(parsed.issues)}`);

console.log(`laneflow demo: ${parsed.value.name} (simulated models; the editor approves after 1.5 s)\n`);
const run = startRun(parsed.value, { maxConcurrency: 4 });
run.subscribe((s) => {
  if (s.type === 'node.awaiting_approval')
    setTimeout(
      () => run.decide(s.approvalId, { decision: 'approved', by: 'demo-editor', comment: 'Looks good' }),
      1500,
    );
});
await watch(run)();
const result = await run.result;
console.log(`\nrun ${result.status}; published: ${JSON.stringify(result.outputs.publish)}\n`);

console.log('and a run cancelled while it works:\n');
const cancelled = startRun(parsed.value, { maxConcurrency: 4 });
setTimeout(() => cancelled.cancel('stopped by the demo'), 900);
await watch(cancelled)();
