import { create } from 'zustand';
import { type EditorDoc, emptyDoc } from './doc.ts';

const LIMIT = 200;

export type EditorSelection = { type: 'node' | 'edge'; id: string } | undefined;

/** A form field to focus once it is shown: after a rename remounts the form, or a problem is clicked. */
export interface FocusRequest {
  /** The node or edge whose form holds the field; none for the DAG's own form. */
  target?: { type: 'node' | 'edge'; id: string };
  /** The field's key in the document, e.g. `prompt`, `id`, `gate`. */
  field: string;
}

/** Where the open document is stored, so the URL can name it; none until it is first saved. */
export interface DocSource {
  dagId: string;
  version?: number;
}

export interface EditorState {
  doc: EditorDoc;
  past: EditorDoc[];
  future: EditorDoc[];
  selection: EditorSelection;
  /** How many documents were loaded (New, template, import, open): the canvas fits the view to each. */
  loads: number;
  /** Asks the canvas to fit the view to the whole graph (after an auto layout). */
  fits: number;
  requestFit(): void;
  /** The document as last opened or saved; `doc !== saved` means there are unsaved edits. */
  saved: EditorDoc;
  source: DocSource | undefined;
  focus: FocusRequest | undefined;
  /**
   * Replaces the document; `record: false` for in-between states (a drag in progress). Changes with
   * the same `typing` key (one field) in a row are one undo step, until the field loses focus.
   */
  change(next: EditorDoc, options?: { record?: boolean; typing?: string }): void;
  /** The field being typed in lost focus: the next keystroke starts a new undo step. */
  endTyping(): void;
  /**
   * The document as opened from a DAG store, which runs `validateDag` on every save (the server's
   * and the browser's alike): known valid, so it is not checked again until it is edited.
   */
  verified: EditorDoc | undefined;
  /** Opens a document with an empty history; `verified` when it comes from a store. */
  load(doc: EditorDoc, options?: { verified?: boolean; source?: DocSource }): void;
  /** Starts over with another document (New, template, import) as one undoable step. */
  replace(doc: EditorDoc): void;
  /** The document was saved as `source`: it has no unsaved edits any more. */
  markSaved(doc: EditorDoc, source: DocSource): void;
  undo(): void;
  redo(): void;
  select(s: EditorSelection): void;
  requestFocus(f: FocusRequest | undefined): void;
}

export const isDirty = (s: Pick<EditorState, 'doc' | 'saved'>): boolean => s.doc !== s.saved;

/** The editor's document with undo/redo history. Documents are immutable values. */
export const useEditor = create<EditorState>((set, get) => {
  // The document before an unrecorded run of changes (a drag), so the drag undoes as one step.
  let pending: EditorDoc | undefined;
  // The field of the last recorded change while the user is still typing in it.
  let typing: string | undefined;
  const initial = emptyDoc();
  return {
    doc: initial,
    past: [],
    future: [],
    selection: undefined,
    loads: 0,
    fits: 0,
    verified: undefined,
    saved: initial,
    source: undefined,
    focus: undefined,
    change(next, { record = true, typing: field } = {}) {
      const { doc, past } = get();
      if (!record) {
        pending ??= doc;
        typing = undefined;
        set({ doc: next });
        return;
      }
      if (field !== undefined && field === typing && pending === undefined) {
        set({ doc: next, future: [] });
        return;
      }
      const before = pending ?? doc;
      pending = undefined;
      typing = field;
      set({ doc: next, past: [...past, before].slice(-LIMIT), future: [] });
    },
    endTyping() {
      typing = undefined;
    },
    load(doc, { verified = false, source } = {}) {
      pending = undefined;
      typing = undefined;
      set({
        doc,
        past: [],
        future: [],
        selection: undefined,
        loads: get().loads + 1,
        verified: verified ? doc : undefined,
        saved: doc,
        source,
      });
    },
    replace(doc) {
      const { doc: before, past } = get();
      pending = undefined;
      typing = undefined;
      set({
        doc,
        past: [...past, before].slice(-LIMIT),
        future: [],
        selection: undefined,
        loads: get().loads + 1,
        verified: undefined,
        saved: doc,
        source: undefined,
      });
    },
    markSaved(doc, source) {
      set({ saved: doc, source, verified: doc });
    },
    undo() {
      const { doc, past, future } = get();
      const prev = past[past.length - 1];
      if (!prev) return;
      typing = undefined;
      set({ doc: prev, past: past.slice(0, -1), future: [doc, ...future] });
    },
    redo() {
      const { doc, past, future } = get();
      const [next, ...rest] = future;
      if (!next) return;
      typing = undefined;
      set({ doc: next, past: [...past, doc], future: rest });
    },
    select: (selection) => set({ selection }),
    requestFocus: (focus) => set({ focus }),
    requestFit: () => set({ fits: get().fits + 1 }),
  };
});
