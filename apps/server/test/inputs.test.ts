// A run's inputs are checked against its DAG's input schema before anything is stored: a bad value
// is a 400 naming the field, a good one (or a default) is what the run reads.
import type { DagSpecInput } from '@laneflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, removeTempDirs, startTestServer, type TestServer, waitForRunEnd } from './helpers.ts';

afterAll(removeTempDirs);

const briefDag: DagSpecInput = {
  id: 'typed-brief',
  nodes: [
    { id: 'write', kind: 'transform', mapping: { topic: '{{inputs.topic}}', words: '{{inputs.words}}' } },
  ],
  inputSchema: {
    type: 'object',
    properties: {
      topic: { type: 'string', description: 'What to write about', minLength: 3 },
      words: { type: 'integer', default: 300, minimum: 50 },
      tone: { type: 'string', enum: ['plain', 'formal'] },
    },
    required: ['topic'],
  },
};

describe('run inputs on the server', () => {
  let srv: TestServer;
  let call: Call;
  beforeAll(async () => {
    srv = await startTestServer('pglite', 'inputs');
    call = srv.call;
    expect((await call('POST', '/api/dags', { body: briefDag })).status).toBe(201);
  });
  afterAll(() => srv?.close());

  const runCount = async () => (await call('GET', '/api/runs')).body.runs.length;

  it('refuses bad inputs with 400 naming each field, and stores no run', async () => {
    const r = await call('POST', '/api/runs', {
      body: { dagId: 'typed-brief', inputs: { words: 'many', tone: 'angry', extra: 1 } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_inputs');
    // One issue per field (a stored DAG keeps no property order, so compare them sorted).
    const issues = r.body.error.issues.map((i: { path: string; message: string }) => [i.path, i.message]);
    expect(issues.sort()).toEqual([
      ['inputs.extra', 'is not an input of this DAG'],
      ['inputs.tone', 'must be one of "plain", "formal"'],
      ['inputs.topic', 'is required'],
      ['inputs.words', 'must be a whole number'],
    ]);
    // The same for an inline DAG.
    const inline = await call('POST', '/api/runs', { body: { dag: briefDag, inputs: { topic: 'ab' } } });
    expect(inline.status).toBe(400);
    expect(inline.body.error.issues).toEqual([
      { path: 'inputs.topic', message: 'must be at least 3 characters', code: 'invalid_input' },
    ]);
    expect(await runCount()).toBe(0);
  });

  it('runs with good inputs, defaults filled in', async () => {
    const r = await call('POST', '/api/runs', { body: { dagId: 'typed-brief', inputs: { topic: 'tides' } } });
    expect(r.status).toBe(201);
    const snap = await waitForRunEnd(call, r.body.runId);
    expect(snap.run.status).toBe('succeeded');
    // The snapshot says what the run was started with, for a Re-run to offer again.
    expect(snap.inputs).toEqual({ topic: 'tides', words: 300 });
    expect(snap.nodes.find((n: { id: string }) => n.id === 'write').output).toEqual({
      topic: 'tides',
      words: 300,
    });
  });

  it('refuses a DAG whose schema does not hold together', async () => {
    const r = await call('POST', '/api/dags', {
      body: {
        ...briefDag,
        id: 'bad-schema',
        inputs: { words: 10 },
        inputSchema: { ...briefDag.inputSchema, required: ['nope'] },
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['inputSchema.required.0']);
  });
});
