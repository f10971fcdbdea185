import { useEffect, useState } from 'react';
import { toDagJson } from './doc.ts';
import { type Draft, deleteDraft, getDraft } from './drafts.ts';
import { useEditor } from './store.ts';
import { draftKey } from './unsaved.ts';

const time = (at: number) =>
  new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Offers back the unsaved edits kept for the open document (after a reload, a crash, or opening it
 * again), when they differ from what is open. Restoring is one undoable step.
 */
export const DraftOffer = () => {
  const loads = useEditor((s) => s.loads);
  const [draft, setDraft] = useState<Draft>();
  useEffect(() => {
    let live = true;
    setDraft(undefined);
    // `loads` counts every opened document: each one is asked about its own draft.
    void loads;
    const s = useEditor.getState();
    getDraft(draftKey(s))
      .then((d) => {
        const now = useEditor.getState().doc;
        if (live && d && JSON.stringify(toDagJson(d.doc)) !== JSON.stringify(toDagJson(now))) setDraft(d);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [loads]);
  if (!draft) return null;
  return (
    <div className="lf-banner" role="status" data-testid="draft-offer">
      <span>
        Unsaved edits to <strong>{draft.doc.name ?? draft.doc.id}</strong> from {time(draft.at)} were kept in
        this browser.
      </span>
      <button
        type="button"
        className="primary"
        onClick={() => {
          useEditor.getState().change(draft.doc);
          setDraft(undefined);
        }}
      >
        Restore edits
      </button>
      <button
        type="button"
        onClick={() => {
          void deleteDraft(draft.key).catch(() => {});
          setDraft(undefined);
        }}
      >
        Discard them
      </button>
    </div>
  );
};
