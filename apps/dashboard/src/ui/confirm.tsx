import { useEffect, useRef } from 'react';
import { create } from 'zustand';

export interface ConfirmOptions {
  title: string;
  message: string;
  /** The confirming button's text, a verb for what happens ("Discard edits", "Delete"). */
  confirm: string;
}

interface Pending extends ConfirmOptions {
  resolve: (ok: boolean) => void;
}

const useConfirmState = create<{ pending: Pending | undefined }>(() => ({ pending: undefined }));

/**
 * Asks the user to confirm something that loses work, in the page's own dialog (not
 * `window.confirm`, which blocks the page and cannot be styled or labelled). One at a time: a second
 * question answers the first with "no".
 */
export const confirmAction = (options: ConfirmOptions): Promise<boolean> =>
  new Promise((resolve) => {
    useConfirmState.getState().pending?.resolve(false);
    useConfirmState.setState({ pending: { ...options, resolve } });
  });

const answer = (ok: boolean) => {
  const { pending } = useConfirmState.getState();
  useConfirmState.setState({ pending: undefined });
  pending?.resolve(ok);
};

/** Where confirmations are shown; mounted once by the app. Cancel has the focus; Escape cancels. */
export const ConfirmHost = () => {
  const pending = useConfirmState((s) => s.pending);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!pending) return;
    const back = document.activeElement as HTMLElement | null;
    cancel.current?.focus();
    return () => back?.focus?.();
  }, [pending]);
  if (!pending) return null;
  return (
    <div className="lf-modal-backdrop">
      <div
        className="lf-modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="lf-confirm-title"
        aria-describedby="lf-confirm-message"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            answer(false);
          }
        }}
      >
        <h2 id="lf-confirm-title">{pending.title}</h2>
        <p id="lf-confirm-message">{pending.message}</p>
        <div className="lf-modal-actions">
          <button type="button" ref={cancel} onClick={() => answer(false)}>
            Cancel
          </button>
          <button type="button" className="danger-solid" onClick={() => answer(true)}>
            {pending.confirm}
          </button>
        </div>
      </div>
    </div>
  );
};
