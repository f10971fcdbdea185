/**
 * Profiling helper (not part of the benchmark table): what filling one hash table costs per entry,
 * by size. A run of N nodes fills several (the run's node map, its view's node map, the template
 * scope, the outputs), the floor none.
 *   node --import tsx src/executor/hash-tables.ts [SIZES]
 */
const sizes = (process.argv[2] ?? '1000,2000,4000,4600,5000,8000,10000,16000').split(',').map(Number);
const reps = 200;

const perEntry = (n: number, fill: (keys: string[], values: object[]) => unknown): number => {
  const keys = Array.from({ length: n }, (_, i) => `n${i}`);
  const values = keys.map((id) => ({ id }));
  for (let i = 0; i < 20; i++) fill(keys, values);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fill(keys, values);
  return ((performance.now() - t0) * 1000) / reps / n;
};

const fillMap = (keys: string[], values: object[]) => {
  const m = new Map<string, object>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i] as string, values[i] as object);
  return m;
};
const fillDictionary = (keys: string[], values: object[]) => {
  const o: Record<string, object> = Object.create(null);
  for (let i = 0; i < keys.length; i++) o[keys[i] as string] = values[i] as object;
  return o;
};
const fillArray = (keys: string[], values: object[]) => {
  const a: object[] = [];
  for (let i = 0; i < keys.length; i++) a.push(values[i] as object);
  return a;
};

console.log('| entries | Map.set µs/entry | dictionary object µs/entry | array push µs/entry |');
console.log('| ---: | ---: | ---: | ---: |');
for (const n of sizes)
  console.log(
    `| ${n.toLocaleString('en-US')} | ${perEntry(n, fillMap).toFixed(3)} | ${perEntry(n, fillDictionary).toFixed(3)} | ${perEntry(n, fillArray).toFixed(3)} |`,
  );
