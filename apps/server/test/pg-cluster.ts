/**
 * A throwaway PostgreSQL cluster for the server suites: `initdb` in a fresh temp dir (through
 * `runuser -u postgres --` when we are root, since initdb refuses root), trust auth, `pg_ctl start` on
 * a free port bound to 127.0.0.1, one database; `pg_ctl -m fast stop` and the dir removed at the end.
 * Missing binaries are an error, never a skip: `.ci/run` installs them.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

const binDirs = () => {
  const dirs = [process.env.PG_BIN, '/usr/lib/postgresql/15/bin'];
  // Any other Debian-packaged major version, newest first.
  if (existsSync('/usr/lib/postgresql'))
    for (const v of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)))
      dirs.push(`/usr/lib/postgresql/${v}/bin`);
  return dirs.filter((d): d is string => Boolean(d));
};

export const findPgBin = (): string => {
  for (const d of binDirs()) if (existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'))) return d;
  throw new Error(
    'PostgreSQL server binaries not found (looked in PG_BIN, /usr/lib/postgresql/*/bin). ' +
      'Install them with `apt-get install -y postgresql` (.ci/run does this); the server suites need a real PostgreSQL.',
  );
};

/** True when `port` can be bound on 127.0.0.1 right now. */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

export const freePortFrom = async (start: number): Promise<number> => {
  // Start at a random offset so parallel harnesses rarely race for the same port.
  for (let i = 0, p = start + Math.floor(Math.random() * 200); i < 2000; i++, p++)
    if (await portFree(p)) return p;
  throw new Error(`no free port from ${start}`);
};

export interface PgCluster {
  /** Connection string of the cluster's default test database. */
  url: string;
  port: number;
  dir: string;
  /** `postgres://…/<name>` for another database of this cluster. */
  urlFor(database: string): string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export const startPgCluster = async (opts: { database?: string } = {}): Promise<PgCluster> => {
  const bin = findPgBin();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'laneflow-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  // initdb refuses to run as root: hand the directory to the postgres user and run as it.
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error('running as root, but there is no `postgres` user to run initdb as');
    });
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);

  try {
    await as('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(err as { stderr?: string }).stderr ?? err}`);
  }

  let port = 0;
  for (let tries = 0; ; tries++) {
    port = await freePortFrom(54329);
    try {
      await as('pg_ctl', [
        '-D',
        data,
        '-l',
        log,
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=200`,
        'start',
      ]);
      break;
    } catch (err) {
      if (tries >= 3) {
        const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`pg_ctl start failed: ${(err as { stderr?: string }).stderr ?? err}\n${tail}`);
      }
    }
  }

  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      await client.query(`create database ${name}`);
    } finally {
      await client.end();
    }
    return urlFor(name);
  };
  const database = opts.database ?? 'laneflow_test';
  const url = await createDatabase(database);

  let stopped = false;
  return {
    url,
    port,
    dir,
    urlFor,
    createDatabase,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
};
