import { describe, expect, it } from 'vitest';
import { isTerminalLane, type Ladder } from '../src/index.ts';
import {
  buildDag,
  ladderOf,
  lanesOf,
  only,
  pick,
  realPause,
  scriptedProvider,
  start,
  trace,
  untilAborted,
} from './run-helpers.ts';

/** One model tier served by `probe`: `hang` waits for its abort, `slow` sleeps on the run clock, `lazy`
 * ignores the abort and answers on a real timer, everything else answers at once. */
const probeLadder = (): { probe: ReturnType<typeof scriptedProvider>; ladder: Ladder } => {
  const probe = scriptedProvider(async (req, opts) => {
    if (req.nodeId === 'hang') return untilAborted(opts.signal);
    if (req.nodeId === 'slow') {
      await opts.sleep(1000);
      return 'slow done';
    }
    if (req.nodeId === 'lazy') {
      await new Promise<void>((r) => setTimeout(() => r(), 5));
      return 'too late';
    }
    return `${req.nodeId} done`;
  });
  return { probe, ladder: [{ ...(ladderOf(1, false)[0] as Ladder[number]), provider: 'probe' }] };
};

const mixed = () =>
  buildDag({
    nodes: [
      { id: 'hang', kind: 'llm', prompt: 'x' },
      { id: 'slow', kind: 'llm', prompt: 'x' },
      { id: 'after', kind: 'transform', mapping: '{{hang}}' },
      { id: 'ask', kind: 'llm', prompt: 'x', approval: { when: 'before', timeoutMs: 100_000 } },
      { id: 'quick', kind: 'transform', mapping: 'q' },
    ],
    edges: [{ source: 'hang', target: 'after' }],
  });

describe('cancellation', () => {
  it('aborts running work, cancels every non-terminal node, then run.cancelled, and nothing after', async () => {
    const { probe, ladder } = probeLadder();
    const run = start(mixed(), { ladder, providers: { probe } });
    await run.next('node.succeeded', (s) => s.nodeId === 'quick');
    const waiting = await run.next('node.awaiting_approval');
    await run.next('node.started', (s) => s.nodeId === 'slow');
    expect(probe.signals.map((s) => s.aborted)).toEqual([false, false]);
    const before = run.signals.length;
    run.handle.cancel('user stop');
    run.handle.cancel('again');
    const result = await run.done();
    expect(trace(run.signals.slice(before))).toEqual([
      'node.cancelled hang',
      'node.cancelled slow',
      'node.cancelled after',
      'node.cancelled ask',
      'run.cancelled',
    ]);
    expect(
      pick(run.signals, 'node.cancelled').every((s) => s.reason === 'user stop' && s.attempt === 1),
    ).toBe(true);
    expect(only(run.signals, 'run.cancelled').reason).toBe('user stop');
    // The AbortSignal reached the providers of both running nodes.
    expect(probe.signals.map((s) => [s.aborted, s.reason])).toEqual([
      [true, 'user stop'],
      [true, 'user stop'],
    ]);
    expect(result.status).toBe('cancelled');
    expect(result.outputs).toEqual({ quick: 'q' });
    expect(lanesOf(result.view)).toEqual({
      hang: 'cancelled',
      slow: 'cancelled',
      after: 'cancelled',
      ask: 'cancelled',
      quick: 'succeeded',
    });
    expect(result.view).toMatchObject({ status: 'cancelled', reason: 'user stop' });
    expect(result.view.nodes.get('ask')?.pendingApproval).toBeUndefined();
    // Nothing moves afterwards: no timers left, no late signals, decisions refused.
    expect(run.clock.pending()).toBe(0);
    // A decision on an approval the cancel closed is late (not unknown), and still refused.
    expect(run.handle.decide(waiting.approvalId, { decision: 'approved' })).toMatchObject({
      ok: false,
      code: 'late',
    });
    expect(run.handle.decide('nope', { decision: 'approved' })).toMatchObject({ code: 'unknown_approval' });
    const total = run.signals.length;
    await realPause(20);
    expect(run.signals.length).toBe(total);
    expect(run.signals.at(-1)?.type).toBe('run.cancelled');
    expect(run.handle.signals).toHaveLength(total);
  });

  it('work that ignores the abort and finishes later emits nothing', async () => {
    const { probe, ladder } = probeLadder();
    const dag = buildDag({ nodes: [{ id: 'lazy', kind: 'llm', prompt: 'x', gate: {} }] });
    const run = start(dag, { ladder, providers: { probe } });
    await run.next('node.started');
    run.handle.cancel();
    const result = await run.done();
    await realPause(30);
    // Not even the usage of the call that came back.
    expect(trace(run.signals, true)).toEqual([
      'run.started',
      'node.queued lazy',
      'node.started lazy',
      'node.cancelled lazy',
      'run.cancelled',
    ]);
    expect(only(run.signals, 'node.cancelled')).not.toHaveProperty('reason');
    expect(only(run.signals, 'run.cancelled')).not.toHaveProperty('reason');
    expect(result.status).toBe('cancelled');
  });

  it('cancels through options.signal', async () => {
    const { probe, ladder } = probeLadder();
    const ctl = new AbortController();
    const run = start(mixed(), { ladder, providers: { probe }, signal: ctl.signal });
    await run.next('node.started', (s) => s.nodeId === 'hang');
    ctl.abort('deadline');
    const result = await run.done();
    expect(result.status).toBe('cancelled');
    expect(only(run.signals, 'run.cancelled').reason).toBe('deadline');
    expect(probe.signals[0]?.aborted).toBe(true);
    expect(run.signals.at(-1)?.type).toBe('run.cancelled');
    expect([...result.view.nodes.values()].every((n) => isTerminalLane(n.lane))).toBe(true);
  });

  it('an already-aborted options.signal cancels at once: nothing starts', async () => {
    const run = start(mixed(), { ladder: ladderOf(1, false), signal: AbortSignal.abort('too late') });
    const result = await run.done();
    expect(trace(run.signals)).toEqual([
      'run.started',
      'node.queued hang',
      'node.queued slow',
      'node.queued after',
      'node.queued ask',
      'node.queued quick',
      'node.cancelled hang',
      'node.cancelled slow',
      'node.cancelled after',
      'node.cancelled ask',
      'node.cancelled quick',
      'run.cancelled',
    ]);
    expect(only(run.signals, 'run.cancelled').reason).toBe('too late');
    expect(result.status).toBe('cancelled');
  });

  it('cancelling after the run ended does nothing', async () => {
    const run = start(buildDag({ nodes: [{ id: 'a', kind: 'transform', mapping: 1 }] }));
    const result = await run.done();
    run.handle.cancel('late');
    await realPause(10);
    expect(result.status).toBe('succeeded');
    expect(run.signals.at(-1)?.type).toBe('run.succeeded');
    expect(pick(run.signals, 'run.cancelled')).toEqual([]);
  });

  it('a node waiting out a retry backoff keeps exactly one terminal signal for its attempt', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'a', kind: 'llm', prompt: 'x', retries: { max: 3, backoffMs: 10_000 }, sim: { failTimes: 5 } },
        { id: 'b', kind: 'transform', mapping: '{{a}}' },
      ],
      edges: [{ source: 'a', target: 'b' }],
    });
    const run = start(dag, { ladder: ladderOf(1, false) });
    await run.next('node.failed');
    run.handle.cancel('stop');
    const result = await run.done();
    const terminal = run.signals.filter(
      (s) =>
        'nodeId' in s &&
        s.nodeId === 'a' &&
        ['node.failed', 'node.cancelled', 'node.succeeded'].includes(s.type),
    );
    expect(terminal.map((s) => [s.type, 'attempt' in s && s.attempt])).toEqual([['node.failed', 1]]);
    // The retry is dropped: no attempt 2, no timer left.
    expect(pick(run.signals, 'node.queued', 'a')).toHaveLength(1);
    expect(run.clock.pending()).toBe(0);
    expect(only(run.signals, 'node.cancelled', 'b').reason).toBe('stop');
    expect(result.status).toBe('cancelled');
    expect([...result.view.nodes.values()].every((n) => isTerminalLane(n.lane))).toBe(true);
  });

  it('cancels a map and the children it is waiting for', async () => {
    const dag = buildDag({
      nodes: [
        { id: 'list', kind: 'transform', mapping: [1, 2, 3] },
        { id: 'm', kind: 'map', items: '{{list}}', prompt: 'do {{item}}', sim: { latencyMs: 1000 } },
      ],
      edges: [{ source: 'list', target: 'm' }],
    });
    const run = start(dag, { ladder: ladderOf(1, false) });
    await run.next('node.started', (s) => s.nodeId === 'm[2]');
    run.handle.cancel();
    const result = await run.done();
    expect(pick(run.signals, 'node.cancelled').map((s) => s.nodeId)).toEqual(['m', 'm[0]', 'm[1]', 'm[2]']);
    expect(result.status).toBe('cancelled');
    expect(run.clock.pending()).toBe(0);
  });
});
