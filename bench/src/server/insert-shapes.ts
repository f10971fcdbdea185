/**
 * Micro-experiment behind the commit bench's findings: where PostgreSQL's CPU per signal goes for one
 * 500-signal insert, by the shape of the statement. Only the insert into a `signals`-like table, one
 * transaction per batch, autovacuum off on the test tables; CPU of the cluster's processes from /proc.
 *
 *   tsx src/server/insert-shapes.ts [--batches=100] [--rounds=2]
 *
 * - values_jsonb:   what store.ts does: VALUES list, 5 bind parameters per signal, `$n::jsonb`.
 * - values_noindex: the same into a table without the (run_id, seq) primary key.
 * - values_text:    the same with `body` as text (no jsonb parse).
 * - jsonb_elements: the batch as ONE jsonb parameter, `jsonb_array_elements` (proposal/append-json.ts).
 */
import { join } from 'node:path';
import type { Signal } from '@laneflow/core';
import { openPostgres } from '@laneflow/server';
import { startPgCluster } from '../../../apps/server/test/pg-cluster.ts';
import { runSignals } from '../run-signals.ts';
import { clusterCpuMs } from './commit.ts';

type Sql = { query: (text: string, params?: unknown[]) => Promise<unknown[]> };

const arg = (name: string, def: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def);
const batches = arg('batches', 100);
const rounds = arg('rounds', 2);
const SIZE = 500;

const valuesInsert = (table: string, cast: string) => (tx: Sql, run: string, b: Signal[]) => {
  const v: unknown[] = [];
  const rows = b.map((s, i) => {
    v.push(run, s.seq, s.type, s.at, JSON.stringify(s));
    const k = i * 5;
    return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}, $${k + 5}${cast})`;
  });
  return tx.query(`insert into ${table} values ${rows.join(', ')}`, v);
};

const shapes: Record<string, (tx: Sql, run: string, b: Signal[]) => Promise<unknown>> = {
  values_jsonb: valuesInsert('s_full', '::jsonb'),
  values_noindex: valuesInsert('s_noidx', '::jsonb'),
  values_text: valuesInsert('s_text', ''),
  jsonb_elements: (tx, run, b) =>
    tx.query(
      `insert into s_full select $1, (e->>'seq')::int, e->>'type', (e->>'at')::timestamptz, e
       from jsonb_array_elements($2::jsonb) e`,
      [run, JSON.stringify(b)],
    ),
};

const cluster = await startPgCluster({ database: 'laneflow_shapes' });
const db = await openPostgres(cluster.url);
try {
  const dataDir = join(cluster.dir, 'data');
  const cols = 'run_id text not null, seq int not null, type text not null, at timestamptz not null';
  await db.query(`create table s_full (${cols}, body jsonb not null, primary key (run_id, seq))`);
  await db.query(`create table s_noidx (${cols}, body jsonb not null)`);
  await db.query(`create table s_text (${cols}, body text not null, primary key (run_id, seq))`);
  for (const t of ['s_full', 's_noidx', 's_text'])
    await db.query(`alter table ${t} set (autovacuum_enabled = false)`);
  const batch = runSignals('r', SIZE / 4).slice(0, SIZE);
  for (let round = 0; round < rounds; round++)
    for (const [name, insert] of Object.entries(shapes)) {
      await db.query('truncate s_full, s_noidx, s_text');
      const d0 = clusterCpuMs(dataDir);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < batches; i++)
        await db.transaction((tx) => insert(tx, `${name}-${round}-${i}`, batch));
      const ms = performance.now() - t0;
      const pgUs = ((clusterCpuMs(dataDir) - d0) * 1000) / (batches * SIZE);
      const c = process.cpuUsage(c0);
      console.log(
        `${name.padEnd(15)} ${Math.round((batches * SIZE * 1000) / ms)
          .toLocaleString('en-US')
          .padStart(
            7,
          )} signals/s   CPU µs/signal: postgres ${pgUs.toFixed(1)}, client ${((c.user + c.system) / (batches * SIZE)).toFixed(1)}`,
      );
    }
} finally {
  await db.close();
  await cluster.stop();
}
