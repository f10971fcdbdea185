import { type EditorDoc, type EditorEdge, type EditorNode, newEdgeId } from './doc.ts';
import { renameNode } from './rename.ts';

/** In localStorage, so nodes copied in one DAG (or tab) paste into another. */
const KEY = 'laneflow-clipboard';
/** Pasted nodes land this far right and below the originals, so both stay visible. */
const OFFSET = 40;

interface Clip {
  nodes: EditorNode[];
  edges: EditorEdge[];
}

/** Copies nodes `ids` and the edges between them. */
export const copyNodes = (doc: EditorDoc, ids: ReadonlySet<string>): number => {
  const clip: Clip = {
    nodes: doc.nodes.filter((n) => ids.has(n.id)),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
  if (clip.nodes.length > 0) localStorage.setItem(KEY, JSON.stringify(clip));
  return clip.nodes.length;
};

const readClip = (): Clip | undefined => {
  try {
    const clip = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Clip | null;
    return clip && Array.isArray(clip.nodes) && Array.isArray(clip.edges) ? clip : undefined;
  } catch {
    return undefined;
  }
};

/** `id`, else `id-copy`, `id-copy-2`… whichever is free. */
const freeId = (id: string, taken: Set<string>): string => {
  let next = id;
  for (let i = 1; taken.has(next); i++) next = `${id}-copy${i === 1 ? '' : `-${i}`}`;
  taken.add(next);
  return next;
};

/**
 * Adds the copied nodes and edges to `doc`: nodes whose id is taken get a free one, and references
 * among the pasted nodes follow (so a pasted `write` reads the pasted `plan`, not the original).
 */
export const pasteNodes = (doc: EditorDoc): { doc: EditorDoc; ids: string[] } | undefined => {
  const clip = readClip();
  if (!clip || clip.nodes.length === 0) return undefined;
  const taken = new Set(doc.nodes.map((n) => n.id));
  let part: EditorDoc = { id: doc.id, nodes: clip.nodes, edges: clip.edges };
  // Through temporary ids first, so renaming a → a-copy cannot catch a pasted node already called a-copy.
  const finals = clip.nodes.map((n) => freeId(n.id, taken));
  clip.nodes.forEach((n, i) => {
    part = renameNode(part, n.id, `tmp__paste__${i}`);
  });
  finals.forEach((id, i) => {
    part = renameNode(part, `tmp__paste__${i}`, id);
  });
  const nodes = part.nodes.map((n) => ({
    ...n,
    position: { x: n.position.x + OFFSET, y: n.position.y + OFFSET },
  }));
  const edges = part.edges.map((e) => ({ ...e, id: newEdgeId() }));
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: finals };
};
