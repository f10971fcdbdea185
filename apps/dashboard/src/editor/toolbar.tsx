import type { DagSpec } from '@laneflow/core';
import { exampleDags } from '@laneflow/examples';
import { useRef } from 'react';
import { prewarmLayout } from '../graph/auto-layout.ts';
import { navigate } from '../router.ts';
import { type EditorDoc, emptyDoc, toDagJson, toEditorDoc } from './doc.ts';
import { importProblem } from './import-problem.ts';
import { layOut, useLayoutRun, withPositions } from './layout-run.ts';
import { useEditor } from './store.ts';
import { confirmDiscard } from './unsaved.ts';

const download = (name: string, text: string) => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
};

const lacksPositions = (json: unknown): boolean =>
  ((json as { nodes?: unknown[] }).nodes ?? []).some(
    (n) => typeof n !== 'object' || n === null || !('position' in n),
  );

// The examples are checked by the dashboard's tests; validating them here would run zod on every
// page load before anything is shown.
const templates = (exampleDags as DagSpec[]).map((raw) => ({ id: raw.id, name: raw.name ?? raw.id, raw }));

/** New, templates, import/export, undo/redo and auto layout. */
export const Toolbar = ({ onImportError }: { onImportError: (message: string | undefined) => void }) => {
  const { past, future, undo, redo } = useEditor();
  const laying = useLayoutRun((s) => s.running !== undefined);
  const file = useRef<HTMLInputElement>(null);
  /** Another document in place of this one, asked first when there are unsaved edits; undoable. */
  const start = async (action: string, doc: () => EditorDoc) => {
    if (!(await confirmDiscard(action))) return false;
    useEditor.getState().replace(doc());
    navigate({ page: 'editor' });
    return true;
  };
  return (
    <>
      <button type="button" onClick={() => start('A new DAG', emptyDoc)}>
        New
      </button>
      <select
        aria-label="Templates"
        value=""
        onChange={(e) => {
          const t = templates.find((x) => x.id === e.target.value);
          if (t) void start(`The template "${t.name}"`, () => toEditorDoc(structuredClone(t.raw)));
        }}
      >
        <option value="">Templates…</option>
        {templates.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        onClick={() => {
          // The file dialog gives the layout engine time to start, should the file need a layout.
          prewarmLayout();
          file.current?.click();
        }}
      >
        Import
      </button>
      <input
        ref={file}
        type="file"
        accept="application/json,.json"
        hidden
        data-testid="import-file"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          let json: unknown;
          try {
            json = JSON.parse(await f.text());
          } catch (err) {
            return onImportError(`${f.name} is not JSON: ${(err as Error).message}`);
          }
          const problem = importProblem(f.name, json);
          if (problem) return onImportError(problem);
          if (!(await confirmDiscard(`Importing ${f.name}`))) return;
          onImportError(undefined);
          // A file without positions (written by hand or by a program) is laid out before it is shown.
          const doc = toEditorDoc(json);
          const positions = lacksPositions(json) ? await layOut(doc) : undefined;
          useEditor.getState().replace(positions ? withPositions(doc, positions) : doc);
          navigate({ page: 'editor' });
        }}
      />
      <button
        type="button"
        onClick={() => {
          const doc = useEditor.getState().doc;
          download(`${doc.id}.json`, `${JSON.stringify(toDagJson(doc), null, 2)}\n`);
        }}
      >
        Export
      </button>
      <button type="button" onClick={undo} disabled={past.length === 0} title="Undo (Ctrl+Z)">
        Undo
      </button>
      <button type="button" onClick={redo} disabled={future.length === 0} title="Redo (Ctrl+Shift+Z)">
        Redo
      </button>
      <button
        type="button"
        disabled={laying}
        onPointerEnter={prewarmLayout}
        onFocus={prewarmLayout}
        onClick={async () => {
          const positions = await layOut(useEditor.getState().doc);
          if (!positions) return;
          // Onto the document as it is now (it may have been edited meanwhile), as one undo step.
          useEditor.getState().change(withPositions(useEditor.getState().doc, positions));
          useEditor.getState().requestFit();
        }}
      >
        Auto layout
      </button>
    </>
  );
};
