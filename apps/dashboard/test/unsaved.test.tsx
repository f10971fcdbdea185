import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDoc, toEditorDoc } from '../src/editor/doc.ts';
import { getDraft, UNSAVED } from '../src/editor/drafts.ts';
import { isDirty, useEditor } from '../src/editor/store.ts';
import { AUTOSAVE_MS, confirmDiscard, useAutosave } from '../src/editor/unsaved.ts';
import { ConfirmHost } from '../src/ui/confirm.tsx';

afterEach(cleanup);

const opened = toEditorDoc({ id: 'brief', name: 'Brief', nodes: [{ id: 'a', kind: 'llm', prompt: 'Hi' }] });
const edit = () => {
  const d = useEditor.getState().doc;
  useEditor.getState().change({ ...d, name: 'Brief, edited' });
};

/** The editor's autosave, without the rest of the page. */
const Autosave = () => {
  useAutosave();
  return null;
};

describe('never losing work', () => {
  beforeEach(() => useEditor.getState().load(opened, { source: { dagId: 'brief', version: 1 } }));

  it('replaces a document without asking when nothing is unsaved', async () => {
    render(<ConfirmHost />);
    expect(await confirmDiscard('A new DAG')).toBe(true);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('asks before unsaved edits are replaced; Cancel keeps them', async () => {
    const user = userEvent.setup();
    render(<ConfirmHost />);
    edit();
    expect(isDirty(useEditor.getState())).toBe(true);
    const answer = confirmDiscard('A new DAG');
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain(
      '"Brief, edited" has edits that are not saved. A new DAG replaces them.',
    );
    // Cancel has the focus, so Enter does not discard by accident.
    expect(document.activeElement?.textContent).toBe('Cancel');
    await user.keyboard('{Escape}');
    expect(await answer).toBe(false);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    const again = confirmDiscard('A new DAG');
    await user.click(await screen.findByRole('button', { name: 'Discard edits' }));
    expect(await again).toBe(true);
  });

  it('makes New one undoable step, which brings the edits back', () => {
    edit();
    useEditor.getState().replace(emptyDoc());
    expect(useEditor.getState().doc.nodes).toEqual([]);
    expect(useEditor.getState().source).toBeUndefined();
    useEditor.getState().undo();
    expect(useEditor.getState().doc.name).toBe('Brief, edited');
  });

  it('keeps unsaved edits as a draft of their DAG once typing pauses', async () => {
    render(<Autosave />);
    act(edit);
    await waitFor(async () => expect((await getDraft('brief'))?.doc.name).toBe('Brief, edited'), {
      timeout: AUTOSAVE_MS + 2000,
    });
    // A document never saved has its own slot.
    act(() => useEditor.getState().replace(emptyDoc()));
    act(edit);
    await waitFor(async () => expect((await getDraft(UNSAVED))?.doc.name).toBe('Brief, edited'), {
      timeout: AUTOSAVE_MS + 2000,
    });
  });
});
