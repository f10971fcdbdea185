import { validateDag } from '@laneflow/core';
import { describe, expect, it } from 'vitest';
import { newNode, toDagJson, toEditorDoc } from '../src/editor/doc.ts';
import { changeKind } from '../src/editor/kind.ts';

describe('new nodes and kind changes', () => {
  it('starts every kind of node valid', () => {
    for (const kind of ['llm', 'approval', 'transform', 'map'] as const) {
      const doc = toEditorDoc({ id: 'd', nodes: [newNode(kind, `${kind}1`, { x: 0, y: 0 })] });
      expect(validateDag(toDagJson(doc))).toMatchObject({ ok: true });
    }
  });

  it('keeps what both kinds have and fills what the new kind needs', () => {
    const llm = {
      ...newNode('llm', 'plan', { x: 10, y: 20 }),
      label: 'Plan',
      prompt: 'Plan {{inputs.topic}}',
      gate: { target: 0.9 },
      output: { format: 'json' },
    };
    const approval = changeKind(llm, 'approval');
    expect(approval).toEqual({
      id: 'plan',
      kind: 'approval',
      label: 'Plan',
      position: { x: 10, y: 20 },
      prompt: 'Plan {{inputs.topic}}',
      gate: { target: 0.9 },
    });
    const transform = changeKind(approval, 'transform');
    expect(transform.mapping).toEqual({});
    expect(transform.prompt).toBeUndefined();
    const doc = toEditorDoc({ id: 'd', nodes: [transform] });
    expect(validateDag(toDagJson(doc))).toMatchObject({ ok: true });
  });

  it('gives a node of an unknown kind the fields of the chosen one', () => {
    const node = changeKind({ id: 'x', kind: 'shell', position: { x: 0, y: 0 }, command: 'rm -rf /' }, 'llm');
    expect(node.kind).toBe('llm');
    expect(node.command).toBeUndefined();
    expect(typeof node.prompt).toBe('string');
  });
});
