import { afterEach, describe, expect, it } from 'vitest';
import { copyNodes, pasteNodes } from '../src/editor/clipboard.ts';
import { danglingEnds } from '../src/editor/dangling.ts';
import { toEditorDoc } from '../src/editor/doc.ts';
import { indexIssues } from '../src/editor/issues.ts';
import { centredAt, freeSpot } from '../src/editor/placement.ts';
import { NODE_H, NODE_W } from '../src/graph/layout.ts';

afterEach(() => localStorage.clear());

describe('placing new nodes', () => {
  it('centres a dropped node under the cursor', () => {
    expect(centredAt({ x: 500, y: 300 })).toEqual({ x: 500 - NODE_W / 2, y: 300 - NODE_H / 2 });
  });

  it('puts each palette click in free space near the centre instead of on one spot', () => {
    let doc = toEditorDoc({ id: 'd', nodes: [] });
    const spots = [];
    for (let i = 0; i < 5; i++) {
      const at = freeSpot(doc, { x: 0, y: 0 });
      spots.push(at);
      doc = { ...doc, nodes: [...doc.nodes, { id: `n${i}`, kind: 'llm', position: at }] };
    }
    expect(spots[0]).toEqual(centredAt({ x: 0, y: 0 }));
    // No two overlap, and all stay within one ring of the centre.
    for (const [i, a] of spots.entries())
      for (const b of spots.slice(i + 1))
        expect(Math.abs(a.x - b.x) >= NODE_W || Math.abs(a.y - b.y) >= NODE_H).toBe(true);
    for (const s of spots) expect(Math.abs(s.x - (spots[0]?.x ?? 0))).toBeLessThanOrEqual(NODE_W + 24);
  });
});

describe('copy and paste', () => {
  const source = toEditorDoc({
    id: 'one',
    nodes: [
      { id: 'plan', kind: 'llm', prompt: 'Plan', position: { x: 0, y: 0 } },
      { id: 'write', kind: 'llm', prompt: 'Write {{plan.outline}}', position: { x: 300, y: 0 } },
      { id: 'other', kind: 'llm', prompt: 'x', position: { x: 600, y: 0 } },
    ],
    edges: [
      { source: 'plan', target: 'write' },
      { source: 'write', target: 'other' },
    ],
  });

  it('pastes into another DAG with the edges between the copied nodes', () => {
    expect(copyNodes(source, new Set(['plan', 'write']))).toBe(2);
    const target = toEditorDoc({ id: 'two', nodes: [{ id: 'x', kind: 'llm', prompt: 'x' }] });
    const r = pasteNodes(target);
    expect(r?.ids).toEqual(['plan', 'write']);
    expect(r?.doc.nodes.map((n) => [n.id, n.position])).toEqual([
      ['x', { x: 0, y: 0 }],
      ['plan', { x: 40, y: 40 }],
      ['write', { x: 340, y: 40 }],
    ]);
    expect(r?.doc.edges.map((e) => [e.source, e.target])).toEqual([['plan', 'write']]);
  });

  it('gives pasted nodes free ids and points their references at the pasted copies', () => {
    copyNodes(source, new Set(['plan', 'write']));
    const r = pasteNodes(source);
    expect(r?.ids).toEqual(['plan-copy', 'write-copy']);
    const pasted = r?.doc.nodes.find((n) => n.id === 'write-copy');
    expect(pasted?.prompt).toBe('Write {{plan-copy.outline}}');
    expect(r?.doc.edges.slice(2).map((e) => [e.source, e.target])).toEqual([['plan-copy', 'write-copy']]);
    // Pasting again finds the next free ids.
    expect(pasteNodes(r?.doc ?? source)?.ids).toEqual(['plan-copy-2', 'write-copy-2']);
  });

  it('does nothing with an empty clipboard', () => {
    expect(pasteNodes(source)).toBeUndefined();
  });
});

describe('dangling edges', () => {
  it('get a stand-in for the missing end beside the existing one', () => {
    const doc = toEditorDoc({
      id: 'd',
      nodes: [{ id: 'plan', kind: 'llm', prompt: 'x', position: { x: 100, y: 50 } }],
      edges: [{ id: 'e1', source: 'plan', target: 'zzz' }],
    });
    const issues = [
      { path: 'edges.0.target', code: 'unknown_node', message: 'edge target "zzz" is not a node' },
    ];
    const g = danglingEnds(doc, indexIssues(doc, issues));
    expect(g.rename).toEqual(new Map([['zzz', 'missing:zzz']]));
    expect(g.nodes[0]?.spec).toEqual({
      id: 'missing:zzz',
      kind: 'missing',
      label: 'zzz',
      position: { x: 400, y: 50 },
    });
    expect(g.nodes[0]?.issues).toEqual(issues);
  });
});
