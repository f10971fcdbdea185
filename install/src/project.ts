import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The installed project the global setup made (outside the workspace). */
export const projectDir = (): string => {
  const dir = process.env.LANEFLOW_INSTALL_DIR;
  if (!dir) throw new Error('LANEFLOW_INSTALL_DIR is not set: the global setup did not run');
  return dir;
};

export const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', name);

/** Runs a command to its end; returns its exit code and output. */
export const sh = (cmd: string, args: string[], opts: SpawnSyncOptions = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, ...opts });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
};

/** Like {@link sh}, but a failure throws with the command's output. */
export const must = (cmd: string, args: string[], opts: SpawnSyncOptions = {}): string => {
  const r = sh(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.out}`);
  return r.out;
};
