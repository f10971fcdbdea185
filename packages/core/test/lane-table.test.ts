import { describe, expect, it } from 'vitest';
import { createVirtualClock, laneTable } from '../src/index.ts';
import { buildDag, start } from './run-helpers.ts';

describe('laneTable', () => {
  it('shows an approval node by its kind and its wait, a model node by its tier', async () => {
    const clock = createVirtualClock(Date.UTC(2026, 0, 1), { auto: false });
    const dag = buildDag({
      nodes: [
        { id: 'draft', kind: 'llm', prompt: 'x' },
        { id: 'ok', kind: 'approval', prompt: 'Ship it?' },
      ],
      edges: [{ source: 'draft', target: 'ok' }],
    });
    const run = start(dag, { clock });
    const asked = await run.next('node.awaiting_approval');
    clock.advance(2000);
    const kinds = { draft: 'llm', ok: 'approval' };
    const row = (id: string) =>
      laneTable(run.handle.view, clock.now(), false, kinds)
        .split('\n')
        .find((l) => l.startsWith(id));
    expect(row('ok')).toMatch(/awaiting_approval\s+approval\s+#1\s+2\.0s\s+waiting: Ship it\?/);
    clock.advance(3000);
    run.handle.decide(asked.approvalId, { decision: 'approved', by: 'ann' });
    await run.done();
    expect(row('ok')).toMatch(/succeeded\s+approval\s+#1\s+5\.0s/);
    expect(row('draft')).toMatch(/succeeded\s+small\s+#1/);
  });
});
