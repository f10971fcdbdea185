import pino, { type Logger } from 'pino';

export type { Logger };

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Paths whose values are secrets wherever they show up in a log object: bearer tokens, Authorization
 * headers, API keys, webhook secrets and database URLs (which can carry a password).
 */
const secretPaths = [
  'token',
  'authorization',
  'apiKey',
  'secret',
  'password',
  'databaseUrl',
  '*.token',
  '*.authorization',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.databaseUrl',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * The server's log: one JSON object per line on stdout (pino), at `LANEFLOW_LOG_LEVEL` (default
 * `info`). Secrets are censored by path before a line is written.
 */
export const createLogger = (env: NodeJS.ProcessEnv = process.env, destination?: pino.DestinationStream) => {
  const level = (env.LANEFLOW_LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!levels.includes(level))
    throw new Error(`LANEFLOW_LOG_LEVEL "${env.LANEFLOW_LOG_LEVEL}" is not one of ${levels.join('|')}`);
  return pino(
    {
      level,
      base: { service: 'laneflow' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: secretPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
};

/** A logger that writes nothing (library use and tests that do not look at logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
