import { parseArgs } from 'node:util';
import {
  defaultLadder,
  fromZodIssues,
  type Ladder,
  LadderSchema,
  summarizeIssues,
  type TierPolicyOptions,
} from '@laneflow/core';
import { parseTokenEnv } from './auth.ts';
import { readWebhooks, type Webhook } from './webhooks/config.ts';

/**
 * `LANEFLOW_CORS_ORIGINS`: comma-separated origins (`https://app.example.com`), each compared with a
 * browser's `Origin` header as written, so anything but a bare scheme, host and port would match
 * nothing: refused at start rather than failing every cross-origin request later.
 */
const corsOrigins = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      let url: URL | undefined;
      try {
        url = new URL(origin);
      } catch {}
      if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin)
        throw new Error(
          `LANEFLOW_CORS_ORIGINS: "${origin}" is not an origin; write scheme, host and port only, e.g. https://app.example.com`,
        );
      return origin;
    });

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  ladder: Ladder;
  corsOrigins: string[];
  maxBodyBytes: number;
  tokensEnv?: string;
  loadExamples: boolean;
  /** Replace the first-start admin token with a new one, printed as a login URL. */
  rotateAdminToken?: boolean;
  /** Several processes on one PostgreSQL (`LANEFLOW_CLUSTER=1` with `DATABASE_URL`; see cluster/). */
  cluster?: { concurrency: number; leaseSeconds: number };
  /** Webhook subscriptions (`LANEFLOW_WEBHOOKS`), secrets read from the variables they name. */
  webhooks?: Webhook[];
  /** The start-tier policy's options and the node history's half-life (`LANEFLOW_POLICY_*`). */
  policy?: TierPolicyOptions & { halfLifeRuns?: number };
}

const positiveInt = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} "${value}" is not a positive integer`);
  return n;
};

/** A number from `min` to `max` read from variable `name`, or undefined when it is not set. */
const numberIn = (
  name: string,
  value: string | undefined,
  [min, max]: [number, number],
  kind: 'a number' | 'an integer',
): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (kind === 'an integer' && !Number.isInteger(n)))
    throw new Error(`${name} "${value}" is not ${kind} from ${min} to ${max}`);
  return n;
};

/** The start-tier policy's settings; unset ones keep core's defaults. */
const readPolicy = (env: NodeJS.ProcessEnv): ServerConfig['policy'] => {
  const halfLifeRuns = numberIn(
    'LANEFLOW_POLICY_HALF_LIFE_RUNS',
    env.LANEFLOW_POLICY_HALF_LIFE_RUNS,
    [0.1, 1e6],
    'a number',
  );
  const minRuns = numberIn('LANEFLOW_POLICY_MIN_RUNS', env.LANEFLOW_POLICY_MIN_RUNS, [0, 1e6], 'an integer');
  const explore = numberIn('LANEFLOW_POLICY_EXPLORE', env.LANEFLOW_POLICY_EXPLORE, [0, 1], 'a number');
  const sampledRuns = numberIn(
    'LANEFLOW_POLICY_SAMPLED_RUNS',
    env.LANEFLOW_POLICY_SAMPLED_RUNS,
    [0, 1e6],
    'a number',
  );
  return {
    ...(halfLifeRuns !== undefined && { halfLifeRuns }),
    ...(minRuns !== undefined && { minRuns }),
    ...(explore !== undefined && { explore }),
    ...(sampledRuns !== undefined && { sampledRuns }),
  };
};

/**
 * Reads flags (`--port`, `--host`, `--data-dir`, `--no-examples`, `--rotate-admin-token`) over the
 * environment. Throws an error naming the flag or variable when one is not usable.
 */
export const readConfig = (argv: string[], env: NodeJS.ProcessEnv): ServerConfig => {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-examples': { type: 'boolean' },
      'rotate-admin-token': { type: 'boolean' },
    },
    strict: true,
  });
  let ladder = defaultLadder;
  if (env.LANEFLOW_LADDER) {
    let json: unknown;
    try {
      json = JSON.parse(env.LANEFLOW_LADDER);
    } catch (err) {
      throw new Error(`LANEFLOW_LADDER is not JSON: ${(err as Error).message}`);
    }
    const r = LadderSchema.safeParse(json);
    if (!r.success) throw new Error(`LANEFLOW_LADDER: ${summarizeIssues(fromZodIssues(r.error.issues))}`);
    ladder = r.data;
  }
  const port = Number(values.port ?? env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`port "${values.port ?? env.PORT}" is not a port`);
  return {
    host: values.host ?? env.HOST ?? '127.0.0.1',
    port,
    dataDir: values['data-dir'] ?? env.LANEFLOW_DATA_DIR ?? './.laneflow',
    ...(env.DATABASE_URL && { databaseUrl: env.DATABASE_URL }),
    ladder,
    corsOrigins: corsOrigins(env.LANEFLOW_CORS_ORIGINS),
    maxBodyBytes: positiveInt('LANEFLOW_MAX_BODY_BYTES', env.LANEFLOW_MAX_BODY_BYTES, 1_048_576),
    // Checked here, so a malformed entry stops the start as bad configuration, before any store opens.
    ...(env.LANEFLOW_TOKENS && parseTokenEnv(env.LANEFLOW_TOKENS) && { tokensEnv: env.LANEFLOW_TOKENS }),
    loadExamples: !values['no-examples'],
    ...(values['rotate-admin-token'] && { rotateAdminToken: true }),
    webhooks: readWebhooks(env),
    policy: readPolicy(env),
    ...(env.DATABASE_URL &&
      env.LANEFLOW_CLUSTER &&
      env.LANEFLOW_CLUSTER !== '0' && {
        cluster: {
          concurrency: positiveInt('LANEFLOW_WORKER_CONCURRENCY', env.LANEFLOW_WORKER_CONCURRENCY, 20),
          leaseSeconds: positiveInt('LANEFLOW_RUN_LEASE_SECONDS', env.LANEFLOW_RUN_LEASE_SECONDS, 30),
        },
      }),
  };
};
