import { describeIssue, validateDag } from '@laneflow/core';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, describe, expect, it } from 'vitest';
import { type EditorDoc, toDagJson, toEditorDoc } from '../src/editor/doc.ts';
import { ProblemsPanel } from '../src/editor/problems-panel.tsx';
import { useEditor } from '../src/editor/store.ts';
import { SelectedNodeForm } from './editor-fixtures.tsx';

afterEach(cleanup);

const sentences = (doc: EditorDoc): string[] => {
  const r = validateDag(toDagJson(doc));
  return r.ok ? [] : r.issues.map((i) => describeIssue(doc, i).text);
};

const research = toEditorDoc({
  id: 'research',
  nodes: [
    { id: 'plan', kind: 'llm', prompt: 'Plan' },
    { id: 'market', kind: 'llm', label: 'Research: market' },
    { id: 'empty', kind: 'llm', prompt: '' },
    { id: 'c', kind: 'shell', command: 'x' },
    { id: 'e', kind: 'llm', prompt: 'x', extra: 1, gate: { target: 2, maxTries: 0 } },
    { id: 'f', kind: 'map', prompt: 'x' },
    { id: 'g', kind: 'transform' },
    { id: 'h', kind: 'llm', prompt: 'use {{zzz}} {{plan.topics}}', retries: { max: -1 } },
  ],
  edges: [
    { source: 'plan', target: 'zzz' },
    { source: 'plan', target: 'plan' },
    { source: 'empty', target: 'e' },
    { source: 'e', target: 'empty' },
  ],
});

describe('problems in plain words', () => {
  it('says what is wrong with each node and edge, naming nodes by their label', () => {
    expect(sentences(research)).toEqual([
      'Research: market needs a prompt.',
      'empty needs a prompt.',
      'c is of kind "shell", which laneflow does not know: choose a kind.',
      'e: Gate target must be at most 1.',
      'e: Gate tries must be at least 1.',
      'e has a field laneflow does not know: extra.',
      'f needs a list to map over (Items).',
      'g needs a mapping.',
      'h: Retries must be at least 0.',
      'Edge from plan to zzz points to a node that does not exist.',
      'Edge from plan to plan: a node cannot depend on itself.',
      'empty → e → empty form a loop: remove one of its edges so the work can start.',
      'h\'s prompt uses {{zzz}}, but there is no node "zzz".',
      "h's prompt uses {{plan.topics}}, but plan does not run before it: connect plan to h.",
    ]);
  });

  it('words problems of the DAG itself', () => {
    const ladder = [{ name: 'small', provider: 'sim', model: 's' }];
    expect(
      sentences(
        toEditorDoc({
          id: 'bad id',
          ladder,
          nodes: [
            { id: 'a', kind: 'llm', prompt: 'x', startTier: 'gold' },
            { id: 'inputs', kind: 'approval', prompt: 'p' },
            { id: 'a', kind: 'approval', prompt: 'p' },
          ],
        }),
      ),
    ).toEqual([
      "The DAG's id may only use A-Z, a-z, 0-9, _ and -.",
      'inputs cannot be called "inputs": that name is reserved for templates.',
      'Two nodes are called "a": each needs its own id.',
    ]);
    expect(
      sentences(
        toEditorDoc({ id: 'd', ladder, nodes: [{ id: 'a', kind: 'llm', prompt: 'x', startTier: 'gold' }] }),
      ),
    ).toEqual(['a\'s start tier "gold" is not a tier of the DAG\'s ladder.']);
    expect(sentences(toEditorDoc({ id: 'd', nodes: [] }))).toEqual([
      'The DAG needs at least one node: add one from the palette.',
    ]);
  });
});

describe('the problems panel', () => {
  it('takes a click to the node and puts the cursor in the field that fixes it', async () => {
    const user = userEvent.setup();
    useEditor.getState().load(research);
    const problems = validateDag(toDagJson(research));
    if (problems.ok) throw new Error('expected problems');
    render(
      <ReactFlowProvider>
        <ProblemsPanel problems={problems.issues.map((i) => describeIssue(research, i))} />
        <SelectedNodeForm />
      </ReactFlowProvider>,
    );
    expect(screen.getByRole('heading', { name: '14 problems to fix' }).tagName).toBe('H2');
    await user.click(screen.getByRole('button', { name: 'Research: market needs a prompt.' }));
    expect(useEditor.getState().selection).toEqual({ type: 'node', id: 'market' });
    expect(document.activeElement).toBe(screen.getByLabelText(/^Prompt/));
    await user.click(screen.getByRole('button', { name: 'e: Gate target must be at most 1.' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Gate target (0..1)'));
  });
});
