import { runStreamBench } from './stream.ts';
const r = await runStreamBench({ backend: (process.argv[2] ?? 'postgres') as any, watchers: Number(process.argv[3] ?? 100), nodes: Number(process.argv[4] ?? 2000), latencyMs: [6, 14], ...(process.argv[5] && { profile: process.argv[5] }), log: console.log });
console.log(JSON.stringify(r));
