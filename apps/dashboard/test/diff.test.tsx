import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { diffDags, isEmptyDiff } from '../src/library/dag-diff.ts';
import { DiffView } from '../src/library/diff-view.tsx';

afterEach(cleanup);

const v1 = {
  id: 'brief',
  version: 1,
  name: 'Brief',
  nodes: [
    { id: 'plan', kind: 'llm', prompt: 'Plan it', position: { x: 0, y: 0 } },
    { id: 'old', kind: 'transform', mapping: {}, position: { x: 1, y: 1 } },
    { id: 'write', kind: 'llm', prompt: 'Write {{plan}}', gate: { target: 0.9, maxTries: 3 } },
  ],
  edges: [
    { source: 'plan', target: 'write' },
    { id: 'e-old', source: 'plan', target: 'old' },
  ],
};
const v2 = {
  id: 'brief',
  version: 2,
  name: 'Research brief',
  nodes: [
    { id: 'plan', kind: 'llm', prompt: 'Plan it', position: { x: 50, y: 0 } },
    { id: 'write', kind: 'llm', prompt: 'Write {{plan}} well', gate: { target: 0.95, maxTries: 3 } },
    { id: 'ok', kind: 'approval', prompt: 'Ship?' },
  ],
  edges: [
    { id: 'made-up', source: 'plan', target: 'write', condition: { path: 'go', op: 'truthy' } },
    { source: 'write', target: 'ok' },
  ],
};

describe('diffDags', () => {
  it('lists nodes and edges added, removed and changed, field by field', () => {
    const d = diffDags(v1, v2);
    expect(d.fields).toEqual([{ path: 'name', before: 'Brief', after: 'Research brief' }]);
    expect(d.nodes.added).toEqual(['ok']);
    expect(d.nodes.removed).toEqual(['old']);
    expect(d.nodes.changed).toEqual([
      {
        key: 'write',
        changes: [
          { path: 'prompt', before: 'Write {{plan}}', after: 'Write {{plan}} well' },
          { path: 'gate.target', before: 0.9, after: 0.95 },
        ],
      },
    ]);
    // Moving is apart from changing; the version number and edge ids are not changes.
    expect(d.nodes.moved).toEqual(['plan']);
    expect(d.edges.added).toEqual(['write → ok']);
    expect(d.edges.removed).toEqual(['plan → old']);
    expect(d.edges.changed).toEqual([
      {
        key: 'plan → write',
        changes: [{ path: 'condition', before: undefined, after: { path: 'go', op: 'truthy' } }],
      },
    ]);
  });

  it('finds nothing between a version and itself', () => {
    expect(isEmptyDiff(diffDags(v1, structuredClone(v1)))).toBe(true);
  });
});

describe('DiffView', () => {
  it('reads as short sentences', () => {
    render(<DiffView diff={diffDags(v1, v2)} />);
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toContain('name: “Brief” → “Research brief”');
    expect(items).toContain('Added node ok');
    expect(items).toContain('Removed node old');
    expect(items).toContain('prompt: “Write {{plan}}” → “Write {{plan}} well”');
    expect(items).toContain('gate.target: 0.9 → 0.95');
    expect(items).toContain('Moved node plan');
    expect(items).toContain('Added edge write → ok');
    expect(items).toContain('Removed edge plan → old');
    expect(items).toContain('condition: (not set) → {"path":"go","op":"truthy"}');
  });

  it('says when there is nothing to show', () => {
    render(<DiffView diff={diffDags(v1, v1)} />);
    expect(screen.getByText('No changes.').tagName).toBe('P');
  });
});
