import { useEffect } from 'react';
import { confirmAction } from '../ui/confirm.tsx';
import { deleteDraft, putDraft, UNSAVED } from './drafts.ts';
import { type EditorState, isDirty, useEditor } from './store.ts';

/** How long typing must pause before the draft is written. */
export const AUTOSAVE_MS = 400;

/** The draft a document's unsaved edits are kept under: its stored DAG, or the one unsaved slot. */
export const draftKey = (s: Pick<EditorState, 'source'>): string => s.source?.dagId ?? UNSAVED;

/**
 * Asks before `action` replaces a document with unsaved edits; true when there are none or the user
 * agrees, and then the draft of those edits is dropped too.
 */
export const confirmDiscard = async (action: string): Promise<boolean> => {
  const s = useEditor.getState();
  if (!isDirty(s)) return true;
  const name = s.doc.name ?? s.doc.id;
  const ok = await confirmAction({
    title: 'Discard unsaved edits?',
    message: `"${name}" has edits that are not saved. ${action} replaces them.`,
    confirm: 'Discard edits',
  });
  if (ok) await deleteDraft(draftKey(s)).catch(() => {});
  return ok;
};

/** The browser asks before the tab is closed or reloaded while there are unsaved edits. */
export const useLeaveWarning = (): void => {
  const dirty = useEditor(isDirty);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older Chromium shows the prompt only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
};

/**
 * Keeps unsaved edits as a draft in this browser (IndexedDB), written once typing pauses, so a
 * reload or a crash loses nothing. A saved or reopened document leaves its draft alone: only Save
 * and an explicit discard remove one.
 */
export const useAutosave = (): void => {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = useEditor.subscribe((s, prev) => {
      if (s.doc === prev.doc || !isDirty(s)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const now = useEditor.getState();
        if (isDirty(now)) void putDraft({ key: draftKey(now), doc: now.doc, at: Date.now() }).catch(() => {});
      }, AUTOSAVE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, []);
};
