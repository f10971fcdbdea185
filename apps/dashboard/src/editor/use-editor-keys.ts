import { useEffect, useRef } from 'react';
import { copyNodes, pasteNodes } from './clipboard.ts';
import { useEditor } from './store.ts';

const inField = (t: EventTarget | null) =>
  t instanceof HTMLElement && (/INPUT|TEXTAREA|SELECT/.test(t.tagName) || t.isContentEditable);

/**
 * The editor's shortcuts: Ctrl/⌘+Z undo, +Shift+Z redo, +C copy, +V paste, +D duplicate the selected
 * nodes, +K find a node. In a form field the field's own keys win (its undo, its copy and paste).
 */
export const useEditorKeys = (o: {
  selectedIds: () => Set<string>;
  onSearch: () => void;
  note: (t: string) => void;
}) => {
  const opts = useRef(o);
  opts.current = o;
  useEffect(() => {
    const paste = () => {
      const { doc, change, select } = useEditor.getState();
      const r = pasteNodes(doc);
      if (!r) return;
      change(r.doc);
      if (r.ids.length === 1) select({ type: 'node', id: r.ids[0] as string });
      opts.current.note(`Pasted ${r.ids.length} node${r.ids.length > 1 ? 's' : ''}: ${r.ids.join(', ')}.`);
    };
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 'k') {
        e.preventDefault();
        opts.current.onSearch();
        return;
      }
      if (inField(e.target)) return;
      const s = useEditor.getState();
      if (key === 'z') {
        e.preventDefault();
        if (e.shiftKey) s.redo();
        else s.undo();
      } else if (key === 'c' || key === 'd') {
        const n = copyNodes(s.doc, opts.current.selectedIds());
        if (n === 0) return;
        e.preventDefault();
        if (key === 'd') paste();
        else
          opts.current.note(
            `Copied ${n} node${n > 1 ? 's' : ''}. Paste with Ctrl+V, here or in another DAG.`,
          );
      } else if (key === 'v') {
        e.preventDefault();
        paste();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
};
