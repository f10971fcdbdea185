import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, must } from './project.ts';

const root = join(import.meta.dirname, '..', '..');
const packages = ['@laneflow/core', '@laneflow/sdk', '@laneflow/server'];

/**
 * Builds the three packages (the server's build includes the dashboard), packs them with pnpm (which
 * turns workspace dependencies into version ranges), and installs the tarballs with npm into a new
 * project in the system's temp directory, with what the tests' app needs beside them.
 */
export default async function setup() {
  // One at a time, in dependency order (the SDK's tests use the server, so pnpm sees a cycle).
  for (const p of packages) must('pnpm', ['--filter', p, 'run', 'build'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'laneflow-install-'));
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  for (const p of packages)
    must('pnpm', ['--filter', p, 'pack', '--pack-destination', tarballs], { cwd: root });
  const tgz = (name: string) =>
    `file:./tarballs/${readdirSync(tarballs).find((f) => f.startsWith(`laneflow-${name}-`))}`;
  const project = join(dir, 'project');
  cpSync(fixture('app'), project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'laneflow-user',
        private: true,
        type: 'module',
        dependencies: {
          '@laneflow/core': tgz('core').replace('./', '../'),
          '@laneflow/sdk': tgz('sdk').replace('./', '../'),
          '@laneflow/server': tgz('server').replace('./', '../'),
          '@tanstack/react-query': '5.108.0',
          react: '19.3.1',
          'react-dom': '19.3.1',
        },
        devDependencies: {
          '@types/react': '19.3.0',
          '@types/react-dom': '19.3.0',
          '@vitejs/plugin-react': '6.3.0',
          typescript: '5.9.3',
          vite: '8.3.8',
        },
      },
      null,
      2,
    ),
  );
  must('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'inherit' });
  process.env.LANEFLOW_INSTALL_DIR = project;
  process.env.LANEFLOW_TARBALLS = tarballs;
}
