import { create } from 'zustand';
import { type EditorDoc, emptyDoc } from './doc.ts';

const LIMIT = 200;

export type EditorSelection = { type: 'node' | 'edge'; id: string } | undefined;

export interface EditorState {
  doc: EditorDoc;
  past: EditorDoc[];
  future: EditorDoc[];
  selection: EditorSelection;
  /** How many documents were loaded (New, template, import, open): the canvas fits the view to each. */
  loads: number;
  /** Replaces the document; `record: false` for in-between states (a drag in progress). */
  change(next: EditorDoc, options?: { record?: boolean }): void;
  /**
   * The document as opened from a DAG store, which runs `validateDag` on every save (the server's
   * and the browser's alike): known valid, so it is not checked again until it is edited.
   */
  verified: EditorDoc | undefined;
  /** Starts over with a new document and an empty history; `verified` when it comes from a store. */
  load(doc: EditorDoc, options?: { verified?: boolean }): void;
  undo(): void;
  redo(): void;
  select(s: EditorSelection): void;
}

/** The editor's document with undo/redo history. Documents are immutable values. */
export const useEditor = create<EditorState>((set, get) => {
  // The document before an unrecorded run of changes (a drag), so the drag undoes as one step.
  let pending: EditorDoc | undefined;
  return {
    doc: emptyDoc(),
    past: [],
    future: [],
    selection: undefined,
    loads: 0,
    verified: undefined,
    change(next, { record = true } = {}) {
      const { doc, past } = get();
      if (!record) {
        pending ??= doc;
        set({ doc: next });
        return;
      }
      const before = pending ?? doc;
      pending = undefined;
      set({ doc: next, past: [...past, before].slice(-LIMIT), future: [] });
    },
    load(doc, { verified = false } = {}) {
      pending = undefined;
      set({
        doc,
        past: [],
        future: [],
        selection: undefined,
        loads: get().loads + 1,
        verified: verified ? doc : undefined,
      });
    },
    undo() {
      const { doc, past, future } = get();
      const prev = past[past.length - 1];
      if (!prev) return;
      set({ doc: prev, past: past.slice(0, -1), future: [doc, ...future] });
    },
    redo() {
      const { doc, past, future } = get();
      const [next, ...rest] = future;
      if (!next) return;
      set({ doc: next, past: [...past, doc], future: rest });
    },
    select: (selection) => set({ selection }),
  };
});
