import { describe, expect, it } from 'vitest';
import {
  createMemoryLog,
  createVirtualClock,
  DagSpecSchema,
  projectRun,
  RunConfigError,
  type Signal,
  type SignalLog,
  startRun,
} from '../src/index.ts';
import {
  buildDag,
  foldEach,
  ladderOf,
  lanesOf,
  only,
  pick,
  realPause,
  runDag,
  scriptedProvider,
  start,
  trace,
  typesOf,
} from './run-helpers.ts';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(T0 + ms).toISOString();

describe('a plain run', () => {
  it('queues every DAG node at start, runs in dependency order and ends with run.succeeded', async () => {
    const dag = buildDag({
      id: 'plain',
      inputs: { q: 'why' },
      nodes: [
        { id: 'a', kind: 'llm', prompt: 'ask {{inputs.q}}', sim: { answer: { n: 1 }, latencyMs: 100 } },
        { id: 'b', kind: 'transform', mapping: { n: '{{a.n}}', text: 'n={{a.n}}' } },
        { id: 'c', kind: 'llm', prompt: 'finish {{b.text}}' },
      ],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
      ],
    });
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(trace(signals, true)).toEqual([
      'run.started',
      'node.queued a',
      'node.queued b',
      'node.queued c',
      'node.started a',
      'usage a',
      'node.succeeded a',
      'node.started b',
      'node.succeeded b',
      'node.started c',
      'usage c',
      'node.succeeded c',
      'run.succeeded',
    ]);
    expect(only(signals, 'run.started')).toMatchObject({
      dagId: 'plain',
      ladder: ladderOf(1, false),
      at: iso(0),
    });
    expect(only(signals, 'node.queued', 'a')).toMatchObject({ attempt: 1, tier: 0, label: 'a' });
    expect(only(signals, 'node.queued', 'a')).not.toHaveProperty('parentId');
    expect(only(signals, 'node.started', 'a')).toMatchObject({ tier: 0, model: 'sim-small' });
    expect(only(signals, 'node.started', 'b')).not.toHaveProperty('model');
    expect(only(signals, 'node.succeeded', 'a')).toMatchObject({
      output: { n: 1 },
      elapsedMs: 100,
      at: iso(100),
    });
    expect(only(signals, 'node.succeeded', 'b').output).toEqual({ n: 1, text: 'n=1' });
    expect(only(signals, 'node.succeeded', 'c').output).toBe('[sim-small] finish n=1');
    expect(only(signals, 'usage', 'c')).toMatchObject({ tier: 0, model: 'sim-small', inputTokens: 3 });
    expect(result).toMatchObject({ runId: 'run-1', status: 'succeeded' });
    expect(result.outputs).toEqual({ a: { n: 1 }, b: { n: 1, text: 'n=1' }, c: '[sim-small] finish n=1' });
    expect(result.error).toBeUndefined();
    expect(result.view.status).toBe('succeeded');
    expect(result.view.counts.succeeded).toBe(3);
  });

  it("a result's outputs are an ordinary property: spread and JSON see them", async () => {
    const dag = buildDag({
      nodes: [
        { id: 'a', kind: 'transform', mapping: { n: 1 } },
        { id: 'b', kind: 'transform', mapping: '{{a.n}} and {{inputs.q}}' },
      ],
      edges: [{ source: 'a', target: 'b' }],
      inputs: { q: 'q' },
    });
    const { result } = await runDag(dag);
    const want = { a: { n: 1 }, b: '1 and q' };
    expect(Object.keys(result)).toContain('outputs');
    expect({ ...result }.outputs).toEqual(want);
    expect(JSON.parse(JSON.stringify(result)).outputs).toEqual(want);
    // Made once: every read is the same record.
    expect(result.outputs).toBe(result.outputs);
  });

  it('run inputs override the DAG defaults', async () => {
    const dag = buildDag({
      inputs: { q: 'default' },
      nodes: [{ id: 't', kind: 'transform', mapping: '{{inputs.q}}' }],
    });
    expect((await runDag(dag, { inputs: { q: 'given' } })).result.outputs.t).toBe('given');
    expect((await runDag(dag)).result.outputs.t).toBe('default');
  });

  it('uses the DAG ladder, then the default ladder; a bad ladder is a RunConfigError', async () => {
    const dag = buildDag({ ladder: ladderOf(2, false), nodes: [{ id: 'a', kind: 'llm', prompt: 'x' }] });
    const { signals } = await runDag(dag);
    expect(only(signals, 'run.started').ladder.map((t) => t.name)).toEqual(['small', 'medium']);
    const plain = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'x' }] });
    expect(only((await runDag(plain)).signals, 'run.started').ladder.map((t) => t.name)).toEqual([
      'small',
      'medium',
      'large',
      'human',
    ]);
    expect(() => startRun(plain, { ladder: [] })).toThrow(RunConfigError);
    expect(() => startRun(plain, { ladder: [ladderOf(1, true)[1] as never] })).toThrow(RunConfigError);
    const badTier = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'x', startTier: 'huge' }] });
    expect(() => startRun(badTier, { ladder: ladderOf(2, false) })).toThrow(/startTier "huge"/);
    const humanStart = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'x', startTier: 'human' }] });
    expect(() => startRun(humanStart, { ladder: ladderOf(2, true) })).toThrow(RunConfigError);
  });

  it('streams output deltas when asked', async () => {
    const dag = buildDag({
      nodes: [{ id: 'a', kind: 'llm', prompt: 'x', sim: { answer: 'x'.repeat(50), stream: true } }],
    });
    const { signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(pick(signals, 'node.output_delta', 'a').map((s) => s.text)).toEqual([
      'x'.repeat(24),
      'x'.repeat(24),
      'xx',
    ]);
  });
});

describe('repeated edges', () => {
  it('change nothing, among a few dependencies or many: the node runs once, after all of them', async () => {
    const many = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const dag = DagSpecSchema.parse({
      id: 'repeated',
      nodes: [...many, 'few', 'all'].map((id) => ({ id, kind: 'transform', mapping: id })),
      edges: [
        { source: 'm0', target: 'few' },
        { source: 'm1', target: 'few' },
        { source: 'm0', target: 'few' },
        ...many.map((m) => ({ source: m, target: 'all' })),
        { source: 'm19', target: 'all' },
        { source: 'few', target: 'all' },
        { source: 'm3', target: 'all' },
      ],
    });
    const { result, signals } = await runDag(dag);
    expect(result.status).toBe('succeeded');
    for (const id of ['few', 'all'])
      expect(typesOf(signals, id)).toEqual(['node.queued', 'node.started', 'node.succeeded']);
    const startedAt = (id: string) => only(signals, 'node.started', id).seq;
    const endedAt = (id: string) => only(signals, 'node.succeeded', id).seq;
    for (const m of many) expect(endedAt(m)).toBeLessThan(startedAt('all'));
    expect(endedAt('few')).toBeLessThan(startedAt('all'));
  });
});

describe('retries', () => {
  it('retry then success: failed{willRetry:true}, queued attempt 2 after the backoff, then success', async () => {
    const dag = buildDag({
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'x',
          retries: { max: 2, backoffMs: 20_000, jitter: 0 },
          sim: { answer: 'ok', failTimes: 1, failMessage: 'flaky', latencyMs: 10 },
        },
      ],
    });
    const started = Date.now();
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(typesOf(signals, 'a', true)).toEqual([
      'node.queued',
      'node.started',
      'node.failed',
      'node.queued',
      'node.started',
      'usage',
      'node.succeeded',
    ]);
    const failed = only(signals, 'node.failed', 'a');
    expect(failed).toMatchObject({
      attempt: 1,
      willRetry: true,
      error: { message: 'flaky', code: 'sim_failure' },
      elapsedMs: 10,
      at: iso(10),
    });
    const queued = pick(signals, 'node.queued', 'a');
    expect(queued.map((s) => [s.attempt, s.at])).toEqual([
      [1, iso(0)],
      [2, iso(20_010)],
    ]);
    expect(pick(signals, 'node.started', 'a').map((s) => s.attempt)).toEqual([1, 2]);
    expect(only(signals, 'node.succeeded', 'a')).toMatchObject({ attempt: 2, at: iso(20_020) });
    expect(result.status).toBe('succeeded');
    expect(result.view.nodes.get('a')).toMatchObject({ lane: 'succeeded', attempt: 2 });
  });

  it('backoff grows by the factor, is capped, and jitter comes from options.random', async () => {
    const dag = buildDag({
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'x',
          retries: { max: 4, backoffMs: 1000, factor: 3, maxBackoffMs: 5000, jitter: 0.5 },
          sim: { failTimes: 4 },
        },
      ],
    });
    const { signals } = await runDag(dag, { ladder: ladderOf(1, false), random: () => 1 });
    const at = pick(signals, 'node.queued', 'a').map((s) => Date.parse(s.at) - T0);
    // 1000·1.5, 3000·1.5, min(9000, 5000)·1.5, 5000·1.5
    expect(at).toEqual([0, 1500, 6000, 13_500, 21_000]);
  });

  it('retries exhausted: failed{willRetry:false}, dependents skipped upstream_failed, run.failed', async () => {
    const dag = buildDag({
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'x',
          retries: { max: 2, backoffMs: 100, jitter: 0 },
          sim: { failTimes: 9 },
        },
        { id: 'b', kind: 'transform', mapping: '{{a}}' },
        { id: 'c', kind: 'transform', mapping: '{{b}}' },
      ],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
      ],
    });
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(pick(signals, 'node.failed', 'a').map((s) => [s.attempt, s.willRetry])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(trace(signals).slice(-4)).toEqual([
      'node.failed a',
      'node.skipped b',
      'node.skipped c',
      'run.failed',
    ]);
    expect(pick(signals, 'node.skipped').map((s) => [s.nodeId, s.reason, s.attempt])).toEqual([
      ['b', 'upstream_failed', 1],
      ['c', 'upstream_failed', 1],
    ]);
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({ message: 'a: simulated failure at small', code: 'sim_failure' });
    expect(only(signals, 'run.failed').error).toEqual(result.error);
    expect(lanesOf(result.view)).toEqual({ a: 'failed', b: 'skipped', c: 'skipped' });
  });

  it('without a retry policy a failure is final', async () => {
    const dag = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'x', sim: { failTimes: 1 } }] });
    const { signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(only(signals, 'node.failed', 'a').willRetry).toBe(false);
  });

  it('a node timeout aborts the work and fails (retryable) with code timeout', async () => {
    const dag = buildDag({
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'x',
          timeoutMs: 1000,
          retries: { max: 1, backoffMs: 1, jitter: 0 },
          sim: { latencyMs: 5000 },
        },
      ],
    });
    const { result, signals } = await runDag(dag, { ladder: ladderOf(1, false) });
    expect(
      pick(signals, 'node.failed', 'a').map((s) => [s.attempt, s.error.code, s.willRetry, s.elapsedMs]),
    ).toEqual([
      [1, 'timeout', true, 1000],
      [2, 'timeout', false, 1000],
    ]);
    expect(result.status).toBe('failed');
  });
  it('a node timeout holds even when the work ignores the abort and answers late', async () => {
    const probe = scriptedProvider(async () => {
      await new Promise<void>((r) => setTimeout(() => r(), 20));
      return 'late';
    });
    const dag = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'x', timeoutMs: 5 }] });
    const { result, signals } = await runDag(dag, {
      ladder: ladderOf(1, false).map((t) => ({ ...t, provider: 'probe' })),
      providers: { probe },
    });
    expect(typesOf(signals, 'a')).toEqual(['node.queued', 'node.started', 'node.failed']);
    expect(only(signals, 'node.failed', 'a').error.code).toBe('timeout');
    expect(result.status).toBe('failed');
  });
});

describe('edge conditions', () => {
  it('a false condition skips the target (condition_false), and the skip propagates with that reason', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'judge', kind: 'transform', mapping: { ok: false, score: 7 } },
        { id: 'yes', kind: 'transform', mapping: 'yes' },
        { id: 'after', kind: 'transform', mapping: '{{yes}}' },
        { id: 'no', kind: 'transform', mapping: 'no' },
      ],
      edges: [
        { source: 'judge', target: 'yes', condition: { path: 'ok', op: 'truthy' } },
        { source: 'yes', target: 'after' },
        { source: 'judge', target: 'no', condition: { path: 'score', op: 'gte', value: 7 } },
      ],
    });
    const { result, signals } = await runDag(dag);
    expect(pick(signals, 'node.skipped').map((s) => [s.nodeId, s.reason])).toEqual([
      ['yes', 'condition_false'],
      ['after', 'condition_false'],
    ]);
    expect(pick(signals, 'node.started').map((s) => s.nodeId)).toEqual(['judge', 'no']);
    // Skips are not failures.
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ judge: { ok: false, score: 7 }, no: 'no' });
  });

  it('a condition is evaluated on the chain end output', async () => {
    const dag = buildDag({
      nodes: [
        {
          id: 'a',
          kind: 'llm',
          prompt: 'x',
          sim: { tiers: { small: { escalate: { reason: 'no' } }, medium: { answer: 'go' } } },
        },
        { id: 'b', kind: 'transform', mapping: 'ran' },
      ],
      edges: [{ source: 'a', target: 'b', condition: { op: 'eq', value: 'go' } }],
    });
    const { result } = await runDag(dag, { ladder: ladderOf(2, false) });
    expect(result.outputs.b).toBe('ran');
  });

  it('a node with a skipped dependency is skipped even when other dependencies succeed', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'a', kind: 'transform', mapping: 0 },
        { id: 'b', kind: 'transform', mapping: 1 },
        { id: 'c', kind: 'transform', mapping: '{{b}}' },
      ],
      edges: [
        { source: 'a', target: 'c', condition: { op: 'truthy' } },
        { source: 'b', target: 'c' },
      ],
    });
    const { signals } = await runDag(dag);
    expect(typesOf(signals, 'c')).toEqual(['node.queued', 'node.skipped']);
  });
});

describe('concurrency', () => {
  const wide = (n: number) =>
    buildDag({
      nodes: Array.from({ length: n }, (_, i) => ({
        id: `n${i}`,
        kind: 'llm',
        prompt: `p${i}`,
        sim: { latencyMs: 100 * ((i % 3) + 1) },
      })),
    });

  for (const limit of [1, 2, 3]) {
    it(`never more than ${limit} node(s) running in the projection after any signal`, async () => {
      const { result, signals } = await runDag(wide(7), {
        ladder: ladderOf(1, false),
        maxConcurrency: limit,
      });
      let max = 0;
      foldEach(signals, (view) => {
        max = Math.max(max, view.counts.running);
      });
      expect(max).toBe(limit);
      expect(result.status).toBe('succeeded');
    });
  }

  it('the limit holds across dependents, retries and escalation children', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'a', kind: 'llm', prompt: 'a', sim: { latencyMs: 50 } },
        {
          id: 'b',
          kind: 'llm',
          prompt: 'b',
          sim: { latencyMs: 70, escalate: { reason: 'x' }, tiers: { medium: { escalate: undefined } } },
        },
        {
          id: 'c',
          kind: 'llm',
          prompt: 'c',
          retries: { max: 1, backoffMs: 10 },
          sim: { failTimes: 1, latencyMs: 30 },
        },
        { id: 'd', kind: 'transform', mapping: ['{{a}}', '{{b}}', '{{c}}'] },
        { id: 'e', kind: 'llm', prompt: 'e {{d}}', sim: { latencyMs: 5 } },
        { id: 'f', kind: 'llm', prompt: 'f {{d}}', sim: { latencyMs: 5 } },
      ],
      edges: [
        { source: 'a', target: 'd' },
        { source: 'b', target: 'd' },
        { source: 'c', target: 'd' },
        { source: 'd', target: 'e' },
        { source: 'd', target: 'f' },
      ],
    });
    for (const limit of [1, 2]) {
      const { result, signals } = await runDag(dag, { ladder: ladderOf(2, false), maxConcurrency: limit });
      let max = 0;
      foldEach(signals, (view) => {
        max = Math.max(max, view.counts.running);
      });
      expect(max).toBeLessThanOrEqual(limit);
      expect(result.status).toBe('succeeded');
    }
  });

  it('with one slot, nodes run one after another in DAG order', async () => {
    const { signals } = await runDag(wide(4), { ladder: ladderOf(1, false), maxConcurrency: 1 });
    expect(trace(signals).slice(5)).toEqual([
      'node.started n0',
      'node.succeeded n0',
      'node.started n1',
      'node.succeeded n1',
      'node.started n2',
      'node.succeeded n2',
      'node.started n3',
      'node.succeeded n3',
      'run.succeeded',
    ]);
  });
});

describe('the signal log', () => {
  it('seq is gap-free and a signal is delivered only after its append resolved (async log)', async () => {
    const appended = new Set<number>();
    const batches: number[][] = [];
    let inflight = 0;
    let overlapped = false;
    const log: SignalLog = {
      async append(batch) {
        inflight++;
        if (inflight > 1) overlapped = true;
        // The log is slow: it commits on a later (real) timer.
        await new Promise<void>((r) => setTimeout(() => r(), 1));
        for (const s of batch) appended.add(s.seq);
        batches.push(batch.map((s) => s.seq));
        inflight--;
      },
    };
    const dag = buildDag({
      nodes: [
        { id: 'a', kind: 'llm', prompt: 'x', sim: { latencyMs: 10, stream: true, answer: 'y'.repeat(100) } },
        { id: 'b', kind: 'transform', mapping: '{{a}}' },
        { id: 'c', kind: 'llm', prompt: 'z', gate: { maxTries: 2 }, sim: { confidence: [0.1, 1] } },
      ],
      edges: [{ source: 'a', target: 'b' }],
    });
    const early: string[] = [];
    const run = start(dag, {
      ladder: ladderOf(1, false),
      log,
      onSignal: (s, h) => {
        if (!appended.has(s.seq)) early.push(`${s.seq} ${s.type}`);
        // The handle's committed list and the view move with delivery.
        if (h.signals[h.signals.length - 1] !== s || h.view.lastSeq !== s.seq) early.push(`view ${s.seq}`);
      },
    });
    const iterated: Signal[] = [];
    const iterating = (async () => {
      for await (const s of run.handle) iterated.push(s);
    })();
    const result = await run.done();
    await iterating;
    expect(early).toEqual([]);
    expect(overlapped).toBe(false);
    expect(run.signals.map((s) => s.seq)).toEqual(run.signals.map((_, i) => i + 1));
    expect(batches.flat()).toEqual(run.signals.map((s) => s.seq));
    // Group commit: several signals share a batch.
    expect(batches.length).toBeLessThan(run.signals.length);
    expect(iterated).toEqual(run.signals);
    expect(run.handle.signals).toEqual(run.signals);
    expect(run.signals.at(-1)?.type).toBe('run.succeeded');
    expect(result.view).toEqual(projectRun(run.signals));
    expect(appended.size).toBe(run.signals.length);
  });

  it('a log with lingerMs commits the signals emitted during the linger together (a commit that never yields)', async () => {
    const commits = async (lingerMs?: number) => {
      const batches: number[][] = [];
      const log: SignalLog = {
        append: (batch) => {
          batches.push(batch.map((s) => s.seq));
        },
        ...(lingerMs !== undefined && { lingerMs }),
      };
      // Twenty nodes whose answers arrive on twenty different timers, 1 ms apart.
      const dag = buildDag({
        nodes: Array.from({ length: 20 }, (_, i) => ({
          id: `n${i}`,
          kind: 'llm' as const,
          prompt: 'x',
          sim: { latencyMs: i + 1 },
        })),
      });
      const run = start(dag, { ladder: ladderOf(1, false), log });
      await run.done();
      // Still every signal once, in seq order, and only after its commit.
      expect(batches.flat()).toEqual(run.signals.map((s) => s.seq));
      expect(run.signals.at(-1)?.type).toBe('run.succeeded');
      return batches.length;
    };
    const eager = await commits();
    const lingering = await commits(25);
    expect(eager).toBeGreaterThanOrEqual(20);
    expect(lingering).toBeLessThanOrEqual(3);
  });

  it('the memory log holds exactly the delivered signals; a late subscriber still iterates from seq 1', async () => {
    const log = createMemoryLog();
    const dag = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'x' }] });
    const clock = createVirtualClock();
    const handle = startRun(dag, { log, clock, ladder: ladderOf(1, false) });
    await handle.result;
    clock.stop();
    expect(log.signals).toEqual(handle.signals);
    const late: Signal[] = [];
    for await (const s of handle) late.push(s);
    expect(late).toEqual(handle.signals);
    expect(late.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a log that fails cancels the run and reports the log error', async () => {
    let calls = 0;
    const log: SignalLog = {
      append() {
        calls++;
        if (calls === 2) throw new Error('disk full');
      },
    };
    const dag = buildDag({ nodes: [{ id: 'a', kind: 'llm', prompt: 'x', sim: { latencyMs: 10 } }] });
    const run = start(dag, { ladder: ladderOf(1, false), log });
    const result = await run.done();
    expect(result.status).toBe('cancelled');
    expect(result.error?.message).toBe('disk full');
    // Nothing past the failed batch is delivered.
    const delivered = run.signals.length;
    await realPause(20);
    expect(run.signals.length).toBe(delivered);
    expect(run.signals.every((s) => s.seq <= delivered)).toBe(true);
  });
});
