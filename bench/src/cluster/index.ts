// Scale-out benchmark (ADR 0010): 1, 2 and 3 laneflow processes (cluster mode) on one throwaway
// PostgreSQL; runs/s and signals/s for a batch of quick runs posted round-robin over the processes;
// then the time for a SIGKILLed process's runs to resume elsewhere.
// `pnpm --filter @laneflow/bench bench:cluster` (RUNS=…, LEASE=… to change the workload).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from '@laneflow/server';
import { type ChildServer, childEnv, spawnServer } from '../../../apps/server/test/child-server.ts';
import { startPgCluster } from '../../../apps/server/test/pg-cluster.ts';

const RUNS = Number(process.env.RUNS ?? 300);
const LEASE = Number(process.env.LEASE ?? 6);
const TOKEN = 'lf_bench_cluster_token_0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const startProc = (databaseUrl: string, dir: string, i: number, clustered = true): Promise<ChildServer> =>
  spawnServer({
    name: `process ${i}`,
    args: ['--port', '0', '--no-examples', '--data-dir', join(dir, `p${i}`)],
    env: childEnv({
      DATABASE_URL: databaseUrl,
      ...(clustered && { LANEFLOW_CLUSTER: '1' }),
      LANEFLOW_CLUSTER_LOG: '1',
      LANEFLOW_TOKENS: `bench:admin:${TOKEN}`,
      LANEFLOW_RUN_LEASE_SECONDS: String(LEASE),
      LANEFLOW_WORKER_CONCURRENCY: '50',
    }),
  });

const post = async (url: string, body: unknown) => {
  const r = await fetch(`${url}/api/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 201) throw new Error(`${r.status} ${await r.text()}`);
  return ((await r.json()) as { runId: string }).runId;
};

const llm = (id: string, sim: Record<string, unknown> = {}) => ({
  id,
  kind: 'llm',
  prompt: id,
  sim: { answer: id, ...sim },
});
/** 8 quick nodes: a → 6 in parallel → z. */
const quick = {
  id: 'quick',
  nodes: [llm('a'), ...Array.from({ length: 6 }, (_, i) => llm(`m${i}`)), llm('z')],
  edges: [
    ...Array.from({ length: 6 }, (_, i) => ({ source: 'a', target: `m${i}` })),
    ...Array.from({ length: 6 }, (_, i) => ({ source: `m${i}`, target: 'z' })),
  ],
};

const cluster = await startPgCluster({ database: 'bench_cluster_setup' });
const dir = mkdtempSync(join(tmpdir(), 'laneflow-bench-cluster-'));
const rows: string[] = [];
try {
  // n = 0: one process without cluster mode (runs execute where they are posted), the baseline.
  for (const n of [0, 1, 2, 3]) {
    const url = await cluster.createDatabase(`bench_${n}`);
    const procs: ChildServer[] = [];
    for (let i = 0; i < Math.max(1, n); i++) procs.push(await startProc(url, dir, i, n > 0));
    const db = await openPostgres(url);
    // Warm-up: one run per process.
    await Promise.all(procs.map((p) => post(p.url as string, { dag: quick })));
    await sleep(1000);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) => post(procs[i % procs.length]?.url as string, { dag: quick })),
    );
    for (;;) {
      const r = await db.query<{ c: number }>(
        `select count(*)::int as c from runs where status not in ('succeeded','failed','cancelled')`,
      );
      if (r[0]?.c === 0) break;
      await sleep(20);
    }
    const s = (performance.now() - t0) / 1000;
    const sig = await db.query<{ runs: number; signals: number; bad: number }>(
      `select count(*)::int as runs, sum(last_seq)::int as signals, count(*) filter (where status <> 'succeeded')::int as bad from runs`,
    );
    const perProc = procs.map((p) => (p.output().match(/executing run/g) ?? []).length);
    const signals = ((sig[0]?.signals ?? 0) * RUNS) / (sig[0]?.runs ?? 1);
    rows.push(
      `| ${n || '1 (no cluster mode)'} | ${RUNS} | ${s.toFixed(2)} s | ${(RUNS / s).toFixed(0)} | ${(signals / s).toFixed(0)} | ${perProc.join(' / ')} | ${sig[0]?.bad} |`,
    );
    console.log(rows.at(-1));
    await db.close();
    for (const p of procs) {
      await p.stop();
    }
  }

  // ---- failover: 3 processes, slow runs, SIGKILL one --------------------------------------------
  const url = await cluster.createDatabase('bench_failover');
  const procs: ChildServer[] = [];
  for (let i = 0; i < 3; i++) procs.push(await startProc(url, dir, i));
  const db = await openPostgres(url);
  const slow = {
    id: 'slow',
    nodes: [llm('a'), llm('slow', { latencyMs: 4000 }), llm('z')],
    edges: [
      { source: 'a', target: 'slow' },
      { source: 'slow', target: 'z' },
    ],
  };
  await Promise.all(Array.from({ length: 60 }, (_, i) => post(procs[i % 3]?.url as string, { dag: slow })));
  const victim = procs[2] as ChildServer;
  while (!/executing run/.test(victim.output())) await sleep(20);
  await sleep(500);
  await victim.stop('SIGKILL');
  const killedAt = Date.now();
  const ids = [...victim.output().matchAll(/executing run (\S+)/g)].map((m) => m[1] as string);
  const at = await db.query<{ id: string; last_seq: number }>(
    `select id, last_seq from runs where id = any($1) and status = 'running'`,
    [ids],
  );
  const seqAtKill = new Map(at.map((r) => [r.id, Number(r.last_seq)]));
  const resumed = new Map<string, number>();
  while (resumed.size < seqAtKill.size && Date.now() - killedAt < 120_000) {
    const now = await db.query<{ id: string; last_seq: number }>(
      `select id, last_seq from runs where id = any($1)`,
      [[...seqAtKill.keys()]],
    );
    for (const r of now)
      if (!resumed.has(r.id) && Number(r.last_seq) > (seqAtKill.get(r.id) ?? 0))
        resumed.set(r.id, Date.now() - killedAt);
    await sleep(20);
  }
  const times = [...resumed.values()].sort((a, b) => a - b);
  const line = `failover (lease ${LEASE} s): ${seqAtKill.size} unfinished runs on the killed process; first resumed after ${times[0]} ms, median ${times[Math.floor(times.length / 2)]} ms, last ${times.at(-1)} ms`;
  console.log(line);
  rows.push('', line);
  await db.close();
  for (const p of procs.slice(0, 2)) {
    await p.stop();
  }
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\n| processes | runs | wall | runs/s | signals/s | runs per process | not succeeded |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}`,
);
