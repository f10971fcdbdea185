import type { Db } from './db.ts';

/** Schema migrations, applied in order on start; never edit one that has shipped, add another. */
const migrations: string[] = [
  `create table dags (
     id text not null,
     version int not null,
     name text,
     spec jsonb not null,
     deleted boolean not null default false,
     created_at timestamptz not null default now(),
     primary key (id, version)
   );
   create table runs (
     id text primary key,
     dag_id text,
     dag_version int,
     dag_name text,
     dag jsonb not null,
     inputs jsonb,
     ladder jsonb,
     status text not null,
     created_at timestamptz not null default now(),
     ended_at timestamptz,
     last_seq int not null default 0,
     cost_usd double precision not null default 0,
     escalations int not null default 0,
     nodes int not null default 0,
     created_by text
   );
   create index runs_created on runs (created_at desc, id desc);
   create index runs_status on runs (status);
   create table signals (
     run_id text not null references runs (id) on delete cascade,
     seq int not null,
     type text not null,
     at timestamptz not null,
     body jsonb not null,
     primary key (run_id, seq)
   );
   create table approvals (
     id text primary key,
     run_id text not null references runs (id) on delete cascade,
     node_id text not null,
     attempt int not null,
     prompt text not null,
     payload jsonb,
     status text not null,
     created_at timestamptz not null,
     expires_at timestamptz,
     decided_by text,
     decided_at timestamptz,
     comment text
   );
   create index approvals_status on approvals (status, created_at);
   create table tokens (
     id text primary key,
     name text not null,
     role text not null,
     hash text not null unique,
     created_at timestamptz not null default now()
   );`,
  // Node history for the start-tier policy, and each finished run's cost for a DAG's economics.
  `create table node_history (
     dag_id text not null,
     node_id text not null,
     history jsonb not null,
     updated_at timestamptz not null default now(),
     primary key (dag_id, node_id)
   );
   create table run_costs (
     run_id text primary key references runs (id) on delete cascade,
     dag_id text not null,
     ended_at timestamptz not null,
     status text not null,
     cost_usd double precision not null,
     cost_by_tier jsonb not null,
     top_tier_cost_usd double precision not null,
     policy_saving_usd double precision not null
   );
   create index run_costs_dag on run_costs (dag_id, ended_at desc, run_id desc);`,
  // A run's default start tier (a tier name or index, or "auto"), read again when it resumes.
  'alter table runs add column start_tier jsonb',
];

export const migrate = async (db: Db): Promise<void> => {
  await db.query(
    'create table if not exists laneflow_migrations (id int primary key, applied_at timestamptz not null default now())',
  );
  const done = new Set(
    (await db.query<{ id: number }>('select id from laneflow_migrations')).map((r) => r.id),
  );
  for (const [i, sql] of migrations.entries()) {
    if (done.has(i + 1)) continue;
    await db.transaction(async (tx) => {
      for (const statement of sql
        .split(/;\s*\n/)
        .map((s) => s.trim())
        .filter(Boolean))
        await tx.query(statement);
      await tx.query('insert into laneflow_migrations (id) values ($1)', [i + 1]);
    });
  }
};
