// The `laneflow` command as a user runs it: each command's success and failure exit codes and what
// it prints, against files and a real server.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultLadder } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allSignals,
  approvalDag,
  llm,
  quickDag,
  removeTempDirs,
  startTestServer,
  type TestServer,
  tempDir,
  tok,
} from './helpers.ts';

afterAll(removeTempDirs);

const cli = join(import.meta.dirname, '..', 'src', 'cli.ts');

/** Runs `laneflow …` with no terminal; resolves with its exit code and output. */
const laneflow = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      { env: { ...process.env, LANEFLOW_TOKEN: '', LANEFLOW_SERVER: '', ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

let dir: string;
const file = (name: string, doc: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
};

beforeAll(() => {
  dir = tempDir('cli');
});

describe('laneflow help and usage', { timeout: 180_000 }, () => {
  it('prints help for the command and for each command, and refuses an unknown one', async () => {
    const top = await laneflow(['help']);
    expect(top.code).toBe(0);
    for (const name of ['serve', 'worker', 'run', 'validate', 'token']) expect(top.stdout).toContain(name);
    for (const name of ['serve', 'worker', 'run', 'validate', 'token']) {
      const r = await laneflow([name, '--help']);
      expect(r.code, name).toBe(0);
      expect(r.stdout).toContain(`Usage: laneflow ${name}`);
    }
    const unknown = await laneflow(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const badFlag = await laneflow(['serve', '--no-such-flag']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--no-such-flag');
    // Bad configuration is a bad call too, whichever variable holds it.
    for (const env of [
      { LANEFLOW_TOKENS: 'ci:boss:lf_x' },
      { LANEFLOW_LADDER: '[' },
      { LANEFLOW_CORS_ORIGINS: 'https://ok.example, notaurl' },
      { LANEFLOW_CORS_ORIGINS: 'https://app.example/path' },
    ] as Record<string, string>[]) {
      const bad = await laneflow(['serve', '--port', '0', '--data-dir', join(dir, 'never')], env);
      expect(bad.code, JSON.stringify(env)).toBe(2);
      expect(bad.stderr).toContain(Object.keys(env)[0]);
    }
  });
});

describe('laneflow validate', { timeout: 120_000 }, () => {
  it('exits 0 for a valid DAG, 1 listing each problem by field, 2 for a file it cannot read', async () => {
    const ok = await laneflow(['validate', file('ok.json', quickDag('ok'))]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid (2 nodes, 0 edges)');
    const bad = await laneflow([
      'validate',
      file('bad.json', { id: 'bad', nodes: [llm('a')], edges: [{ source: 'a', target: 'zz' }] }),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('Edge from a to zz points to a node that does not exist.  (edges.0.target)');
    expect((await laneflow(['validate', join(dir, 'missing.json')])).code).toBe(2);
    expect((await laneflow(['validate', file('text.json', 'not json')])).code).toBe(2);
  });
});

describe('laneflow run here', { timeout: 120_000 }, () => {
  it('exits 0 when the run succeeds, approving with --approve-all', async () => {
    const r = await laneflow(['run', file('flow.json', approvalDag('flow')), '--approve-all']);
    expect(r.stdout).toContain('run succeeded');
    expect(r.code).toBe(0);
  });

  it('exits 1 when the run fails: with no terminal, an approval is rejected', async () => {
    const r = await laneflow(['run', file('flow2.json', approvalDag('flow2'))]);
    expect(r.stdout).toContain('run failed');
    expect(r.code).toBe(1);
  });

  it('exits 2 for an invalid DAG, a malformed --input or --start-tier, a tier the ladder lacks or a refused input', async () => {
    const bad = await laneflow(['run', file('bad2.json', { id: 'x', nodes: [] })]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a valid DAG');
    expect((await laneflow(['run', file('ok2.json', quickDag('ok2')), '--input', 'novalue'])).code).toBe(2);
    const tier = await laneflow(['run', file('ok3.json', quickDag('ok3')), '--start-tier=']);
    expect(tier.code).toBe(2);
    expect(tier.stderr).toContain('--start-tier "" must be auto, a tier index or a tier name');
    const unknown = await laneflow(['run', file('ok4.json', quickDag('ok4')), '--start-tier', 'huge']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('startTier "huge" is not a model tier of the ladder');
    expect(unknown.stderr).not.toContain('the server answered');
    // Typed inputs: a declared string takes digits as text; a number out of range is refused, by name.
    const typed = file('typed.json', {
      ...quickDag('typed'),
      inputSchema: {
        type: 'object',
        properties: { topic: { type: 'string' }, count: { type: 'integer', maximum: 5 } },
      },
    });
    const digits = await laneflow(['run', typed, '--input', 'topic=12345', '--input', 'count=3']);
    expect(digits.code, digits.stderr).toBe(0);
    const tooMany = await laneflow(['run', typed, '--input', 'topic=x', '--input', 'count=9']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('inputs.count: must be at most 5');
  });
});

describe('laneflow run and token against a server', { timeout: 180_000 }, () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer('pglite', 'cli');
  });
  afterAll(() => srv?.close());

  it('runs on the server with a token, and exits 1 with the reason for a bad one', async () => {
    const path = file('remote.json', approvalDag('remote'));
    const r = await laneflow(['run', path, '--server', srv.url, '--approve-all'], {
      LANEFLOW_TOKEN: tok.approver,
    });
    expect(r.stdout).toContain('run succeeded');
    expect(r.code).toBe(0);
    const runs = await srv.call('GET', '/api/runs');
    expect(runs.body.runs.map((x: { dagId: string }) => x.dagId)).toContain('remote');
    const denied = await laneflow(['run', path, '--server', srv.url, '--token', 'wrong']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('401');
  });

  it('starts the run where --start-tier says, by name or index', async () => {
    for (const [flag, tier] of [
      ['large', defaultLadder.findIndex((t) => t.name === 'large')],
      ['1', 1],
    ] as const) {
      const r = await laneflow(
        [
          'run',
          file(`tier-${tier}.json`, quickDag(`tier${tier}`, 1)),
          '--start-tier',
          flag,
          '--server',
          srv.url,
        ],
        {
          LANEFLOW_TOKEN: tok.operator,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      const runId = /run (\S+) of/.exec(r.stdout)?.[1] as string;
      const queued = (await allSignals(srv.call, runId)).find((s) => s.type === 'node.queued');
      expect(queued).toMatchObject({ nodeId: 'n0', tier });
    }
  });

  it('creates, lists and revokes tokens; refuses an env token, a bad role and a missing admin token', async () => {
    const admin = { LANEFLOW_TOKEN: tok.admin, LANEFLOW_SERVER: srv.url };
    const created = await laneflow(['token', 'create', 'reader', '--role', 'viewer'], admin);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^lf_/);
    expect((await srv.call('GET', '/api/me', { token })).body).toEqual({ name: 'reader', role: 'viewer' });
    const list = await laneflow(['token', 'list'], admin);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/reader\s+viewer\s+api/);
    expect(list.stdout).toMatch(/alice\s+viewer\s+env/);
    expect(list.stdout).not.toContain(token);
    expect((await laneflow(['token', 'create', 'reader', '--role', 'viewer'], admin)).code).toBe(1);
    expect((await laneflow(['token', 'revoke', 'reader'], admin)).code).toBe(0);
    expect((await srv.call('GET', '/api/me', { token })).status).toBe(401);
    const env = await laneflow(['token', 'revoke', 'alice'], admin);
    expect(env.code).toBe(1);
    expect(env.stderr).toContain('LANEFLOW_TOKENS');
    expect((await laneflow(['token', 'create', 'x', '--role', 'boss'], admin)).code).toBe(2);
    expect((await laneflow(['token', 'list'], { LANEFLOW_SERVER: srv.url })).code).toBe(2);
    expect(
      (await laneflow(['token', 'list'], { LANEFLOW_TOKEN: tok.operator, LANEFLOW_SERVER: srv.url })).code,
    ).toBe(1);
  });
});
