/**
 * Runs the benchmarks: `pnpm bench` runs all of them, `pnpm bench projection` only the named ones;
 * `--json` also prints each result as one JSON line. Each bench lives in its own file and exports
 * `run()`, which prints its table and resolves to its figures.
 */
import { run as projection } from './projection.ts';

const benches: Record<string, () => Promise<unknown>> = {
  projection: () => projection(),
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in benches));
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(', ')} (have: ${Object.keys(benches).join(', ')})`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const result = await run();
  if (json) console.log(JSON.stringify({ bench: name, result }));
}
