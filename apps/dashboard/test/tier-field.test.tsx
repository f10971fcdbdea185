import { defaultLadder } from '@laneflow/core';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, expect, it } from 'vitest';
import { toEditorDoc } from '../src/editor/doc.ts';
import { useEditor } from '../src/editor/store.ts';
import { SelectedNodeForm } from './editor-fixtures.tsx';

afterEach(cleanup);

it('chooses tiers from the ladder and marks one that names no rung', async () => {
  useEditor
    .getState()
    .load(toEditorDoc({ id: 'd', nodes: [{ id: 'a', kind: 'llm', prompt: 'x', startTier: 'gold' }] }));
  useEditor.getState().select({ type: 'node', id: 'a' });
  render(<SelectedNodeForm />);
  const start = screen.getByLabelText('Start tier') as HTMLSelectElement;
  expect([...start.options].map((o) => o.textContent)).toEqual([
    "— (the run's default)",
    ...defaultLadder.map((t, i) => `${i} · ${t.name}`),
    'gold (not in the ladder)',
  ]);
  expect(start.getAttribute('aria-invalid')).toBe('true');
  const rung = defaultLadder[1]?.name as string;
  await userEvent.setup().selectOptions(start, rung);
  expect(useEditor.getState().doc.nodes[0]?.startTier).toBe(rung);
  expect(start.getAttribute('aria-invalid')).toBeNull();
});
