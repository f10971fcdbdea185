import { createLocalTransport } from '@laneflow/sdk';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { saveEdited } from '../src/editor/save-edited.ts';
import { ConfirmHost } from '../src/ui/confirm.tsx';

afterEach(cleanup);

const spec = { id: 'shared', name: 'Shared', nodes: [{ id: 'a', kind: 'llm' as const, prompt: 'Hi' }] };

describe('saving an edit someone else saved over', () => {
  it('saves from the newest version without asking, and tracks the version it saved', async () => {
    const t = createLocalTransport();
    const v1 = await t.saveDag(spec);
    // The document still carries version 1, where it was opened; the source follows each save.
    const v2 = await saveEdited(t, { ...v1.spec, name: 'Mine' }, { dagId: 'shared', version: 1 });
    expect(v2).toMatchObject({ version: 2, name: 'Mine' });
    const v3 = await saveEdited(t, { ...v1.spec, name: 'Mine again' }, { dagId: 'shared', version: 2 });
    expect(v3).toMatchObject({ version: 3, name: 'Mine again' });
  });

  it('asks before saving over a newer version; Cancel saves nothing, Save as newest keeps both', async () => {
    const user = userEvent.setup();
    render(<ConfirmHost />);
    const t = createLocalTransport();
    const v1 = await t.saveDag(spec);
    await t.saveDag({ ...spec, name: 'Theirs' });

    const kept = saveEdited(t, { ...v1.spec, name: 'Mine' }, { dagId: 'shared', version: 1 });
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('shared changed since you opened it');
    expect(dialog.textContent).toContain(
      'DAG "shared" was saved as version 2 after the version 1 this edit started from.',
    );
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await kept).toBeUndefined();
    expect(await t.getDag('shared')).toMatchObject({ version: 2, name: 'Theirs' });

    const over = saveEdited(t, { ...v1.spec, name: 'Mine' }, { dagId: 'shared', version: 1 });
    await user.click(await screen.findByRole('button', { name: 'Save as newest' }));
    expect(await over).toMatchObject({ version: 3, name: 'Mine' });
  });

  it('saves a copy under a new id without a base version', async () => {
    const t = createLocalTransport();
    const v1 = await t.saveDag(spec);
    await t.saveDag({ ...spec, id: 'copy', name: 'Copy' });
    await t.saveDag({ ...spec, id: 'copy', name: 'Copy 2' });
    // Renamed in the editor: the source names another DAG, so the save is not based on it.
    const renamed = await saveEdited(t, { ...v1.spec, id: 'copy' }, { dagId: 'shared', version: 1 });
    expect(renamed).toMatchObject({ id: 'copy', version: 3 });
  });
});
