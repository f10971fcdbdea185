import { type RefObject, useEffect } from 'react';
import { type FocusRequest, useEditor } from './store.ts';

const sameTarget = (a: FocusRequest['target'], b: FocusRequest['target']) =>
  a?.type === b?.type && a?.id === b?.id;

/**
 * Focuses the field a request names once this form (of `target`) shows it, then drops the request:
 * the Id field again after a rename remounted the form, or the field a clicked problem is about.
 */
export const useFocusRequest = (form: RefObject<HTMLElement | null>, target: FocusRequest['target']) => {
  const focus = useEditor((s) => s.focus);
  useEffect(() => {
    if (!focus || !sameTarget(focus.target, target) || !form.current) return;
    const el =
      form.current.querySelector<HTMLElement>(`[data-field="${CSS.escape(focus.field)}"]`) ??
      form.current.querySelector<HTMLElement>('[data-field]');
    el?.focus();
    el?.scrollIntoView?.({ block: 'nearest' });
    useEditor.getState().requestFocus(undefined);
  }, [focus, form, target]);
};
