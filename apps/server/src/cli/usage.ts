/** A mistake in how a command was called: printed as one line with the command's help, exit code 2. */
export class UsageError extends Error {}

export const help = {
  laneflow: `laneflow — reactive orchestration for LLM work

Usage: laneflow <command> [options]

Commands:
  serve              start the server: API, dashboard, embedded database (the default)
  worker             execute queued runs without HTTP (several processes on one PostgreSQL)
  run <dag.json>     run a DAG and show its lanes live, here or on a server
  validate <dag.json> check a DAG document and list its problems
  token              create, list or revoke API tokens on a server (admins)
  help [command]     this text, or a command's

Every command takes --help.`,
  serve: `Usage: laneflow serve [--port N] [--host H] [--data-dir DIR] [--no-examples] [--rotate-admin-token]

Starts the API and the dashboard on http://127.0.0.1:8787 with an embedded PostgreSQL (PGlite) in
./.laneflow. The first start prints a login URL with an admin token (stored only as a hash).

  --port N               port (env PORT, default 8787; 0 picks a free one)
  --host H               interface (env HOST, default 127.0.0.1)
  --data-dir DIR         PGlite data directory (env LANEFLOW_DATA_DIR, default ./.laneflow)
  --no-examples          do not load the example DAGs
  --rotate-admin-token   replace the first-start admin token and print a new login URL

Environment: DATABASE_URL (a real PostgreSQL), LANEFLOW_LADDER (JSON ladder), LANEFLOW_TOKENS
(name:role:token,...), LANEFLOW_CORS_ORIGINS, LANEFLOW_MAX_BODY_BYTES, LANEFLOW_CLUSTER=1 with
LANEFLOW_WORKER_CONCURRENCY and LANEFLOW_RUN_LEASE_SECONDS, LANEFLOW_WEBHOOKS (JSON subscriptions),
LANEFLOW_POLICY_HALF_LIFE_RUNS, _MIN_RUNS, _EXPLORE and _SAMPLED_RUNS (the start-tier policy).
Logs are JSON lines at LANEFLOW_LOG_LEVEL
(default info); OTEL_EXPORTER_OTLP_ENDPOINT (and the other OTEL_* variables) exports runs as traces;
GET /metrics serves Prometheus metrics to admin and metrics tokens.`,
  worker: `Usage: laneflow worker

Executes queued runs with no HTTP, next to servers on the same PostgreSQL. Needs DATABASE_URL; takes
the environment of \`laneflow serve\`.`,
  run: `Usage: laneflow run <dag.json> [--input name=value]... [--start-tier T] [--server URL] [--token T]
                          [--approve-all]

Runs a DAG and redraws its lane table until it ends. Without --server the engine runs in this process
(simulated tiers, or LANEFLOW_LADDER); with it, the run happens on that server.

  --input name=value   a run input (repeatable); the value is JSON if it parses, else text (always
                       text for an input the DAG declares as a string)
  --start-tier T       where nodes that set no startTier start: auto (learned from their history),
                       a tier index or a tier name
  --server URL         run on a laneflow server (env LANEFLOW_SERVER)
  --token T            bearer token for the server (env LANEFLOW_TOKEN)
  --approve-all        approve every approval; otherwise each is asked at the prompt
                       (and rejected when there is no terminal to ask)

Exit code: 0 when the run succeeded, 1 when it failed or was cancelled, 2 for a bad call or DAG.`,
  validate: `Usage: laneflow validate <dag.json>

Checks a DAG document and lists every problem with the field it concerns. Exit code 0 when valid, 1
when not, 2 when the file cannot be read.`,
  token: `Usage: laneflow token create <name> --role R | list | revoke <name>  [--server URL] [--token T]

Manages a server's API tokens; needs an admin token (--token or env LANEFLOW_TOKEN) and the server
(--server or env LANEFLOW_SERVER, default http://127.0.0.1:8787).

  create <name> --role R   R is viewer, operator, approver, admin, or metrics (reads /metrics only); prints the token once
  list                     every token's name, role, source and creation time (never the token)
  revoke <name>            stops a token working at once

Tokens given in LANEFLOW_TOKENS are managed there: remove or change the entry and restart.`,
} as const;

export type CommandName = Exclude<keyof typeof help, 'laneflow'>;
