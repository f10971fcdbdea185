import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EditorDoc, toEditorDoc } from '../src/editor/doc.ts';
import { idProblem, renameNode } from '../src/editor/rename.ts';
import { useEditor } from '../src/editor/store.ts';
import { SelectedNodeForm } from './editor-fixtures.tsx';

afterEach(cleanup);

const doc = (): EditorDoc =>
  toEditorDoc({
    id: 'brief',
    nodes: [
      { id: 'plan', kind: 'llm', label: 'plan', prompt: 'Plan {{inputs.plan}}' },
      { id: 'planner', kind: 'llm', label: 'Planner', prompt: 'Also {{planner}}' },
      {
        id: 'write',
        kind: 'llm',
        prompt: 'Use {{plan.questions.0}} and {{ plan }} but not {{planner.x}}',
        system: 'Context: {{plan}}',
        approval: { when: 'after', prompt: 'Ok with {{plan.summary}}?' },
      },
      { id: 'pick', kind: 'transform', mapping: { first: '{{plan.questions}}', all: ['{{plan}}', 'plan'] } },
      { id: 'each', kind: 'map', items: '{{plan.questions}}', prompt: 'Answer {{item}}' },
      { id: 'ok', kind: 'approval', prompt: 'Ship?', payload: { draft: '{{plan.draft}}' } },
    ],
    edges: [
      { id: 'e1', source: 'plan', target: 'write', condition: { path: 'ok', op: 'truthy' } },
      { id: 'e2', source: 'planner', target: 'write' },
      { id: 'e3', source: 'plan', target: 'pick' },
    ],
  });

describe('renameNode', () => {
  it('renames the node and every reference to it, and nothing else', () => {
    const out = renameNode(doc(), 'plan', 'outline');
    const byId = new Map(out.nodes.map((n) => [n.id, n]));
    expect(out.nodes.map((n) => n.id)).toEqual(['outline', 'planner', 'write', 'pick', 'each', 'ok']);
    // A label that was still the old id follows; a chosen one stays.
    expect(byId.get('outline')?.label).toBe('outline');
    expect(byId.get('planner')?.label).toBe('Planner');
    // Run inputs and other nodes whose id starts the same are not references to it.
    expect(byId.get('outline')?.prompt).toBe('Plan {{inputs.plan}}');
    expect(byId.get('planner')?.prompt).toBe('Also {{planner}}');
    expect(byId.get('write')?.prompt).toBe(
      'Use {{outline.questions.0}} and {{ outline }} but not {{planner.x}}',
    );
    expect(byId.get('write')?.system).toBe('Context: {{outline}}');
    expect(byId.get('write')?.approval).toEqual({ when: 'after', prompt: 'Ok with {{outline.summary}}?' });
    // Mapping and payload string leaves are templates; a plain string "plan" is not a reference.
    expect(byId.get('pick')?.mapping).toEqual({
      first: '{{outline.questions}}',
      all: ['{{outline}}', 'plan'],
    });
    expect(byId.get('each')?.items).toBe('{{outline.questions}}');
    expect(byId.get('ok')?.payload).toEqual({ draft: '{{outline.draft}}' });
    // Edges follow, with their conditions (which read the source's output).
    expect(out.edges.map((e) => [e.source, e.target, e.condition?.op])).toEqual([
      ['outline', 'write', 'truthy'],
      ['planner', 'write', undefined],
      ['outline', 'pick', undefined],
    ]);
  });

  it('leaves untouched nodes and edges as the same objects', () => {
    const before = doc();
    const out = renameNode(before, 'each', 'fanout');
    expect(out.nodes[1]).toBe(before.nodes[1]);
    expect(out.edges[0]).toBe(before.edges[0]);
  });
});

describe('idProblem', () => {
  it('says in words why an id cannot be used', () => {
    const d = doc();
    expect(idProblem(d, 'plan', 'plan')).toBeUndefined();
    expect(idProblem(d, 'plan', 'outline')).toBeUndefined();
    expect(idProblem(d, 'plan', '')).toBe('A node needs an id.');
    expect(idProblem(d, 'plan', 'my plan')).toBe(
      'Use only A-Z, a-z, 0-9, _ and - (at most 128), with no spaces.',
    );
    expect(idProblem(d, 'plan', 'inputs')).toBe('"inputs" is reserved for templates.');
    expect(idProblem(d, 'plan', 'write')).toBe('Another node is already called "write".');
  });
});

describe('editing a node id in the form', () => {
  beforeEach(() => {
    useEditor.getState().load(doc());
    useEditor.getState().select({ type: 'node', id: 'plan' });
  });

  it('renames on Enter only, keeps the focus in the field, and loses no node', async () => {
    const user = userEvent.setup();
    render(<SelectedNodeForm />);
    const field = screen.getByLabelText('Id');
    await user.tripleClick(field);
    await user.keyboard('outlinee{Backspace}');
    // Nothing is renamed while typing, and Backspace edited the text, not the graph.
    expect(useEditor.getState().doc.nodes.map((n) => n.id)).toEqual([
      'plan',
      'planner',
      'write',
      'pick',
      'each',
      'ok',
    ]);
    await user.keyboard('{Enter}');
    const { doc: after, selection } = useEditor.getState();
    expect(after.nodes.map((n) => n.id)).toEqual(['outline', 'planner', 'write', 'pick', 'each', 'ok']);
    expect(after.nodes[2]?.prompt).toBe(
      'Use {{outline.questions.0}} and {{ outline }} but not {{planner.x}}',
    );
    expect(after.edges.map((e) => e.source)).toEqual(['outline', 'planner', 'outline']);
    expect(selection).toEqual({ type: 'node', id: 'outline' });
    // The form was shown again for the new id, with the focus still in its Id field.
    expect(document.activeElement).toBe(screen.getByLabelText('Id'));
    expect(screen.getByLabelText('Id')).toHaveProperty('value', 'outline');
    // The rename is one undo step.
    useEditor.getState().undo();
    expect(useEditor.getState().doc.nodes[0]?.id).toBe('plan');
    expect(useEditor.getState().doc.nodes[2]?.prompt).toContain('{{plan.questions.0}}');
  });

  it('refuses a clashing id with a reason, keeps the draft, and Escape puts the id back', async () => {
    const user = userEvent.setup();
    render(<SelectedNodeForm />);
    const field = screen.getByLabelText('Id');
    await user.tripleClick(field);
    await user.keyboard('write{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('Another node is already called "write".');
    expect(field).toHaveProperty('value', 'write');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(useEditor.getState().doc.nodes[0]?.id).toBe('plan');
    await user.keyboard('{Escape}');
    expect(field).toHaveProperty('value', 'plan');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('commits when the field loses focus', async () => {
    const user = userEvent.setup();
    render(
      <>
        <SelectedNodeForm />
        <button type="button">elsewhere</button>
      </>,
    );
    await user.tripleClick(screen.getByLabelText('Id'));
    await user.keyboard('draft');
    await user.click(screen.getByRole('button', { name: 'elsewhere' }));
    expect(useEditor.getState().doc.nodes[0]?.id).toBe('draft');
  });

  it('records typing in a field as one undo step', async () => {
    const user = userEvent.setup();
    render(<SelectedNodeForm />);
    const before = useEditor.getState().past.length;
    await user.type(screen.getByLabelText('Label'), ' one');
    expect(useEditor.getState().doc.nodes[0]?.label).toBe('plan one');
    expect(useEditor.getState().past.length).toBe(before + 1);
    useEditor.getState().undo();
    expect(useEditor.getState().doc.nodes[0]?.label).toBe('plan');
  });
});
