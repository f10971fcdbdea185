import type { Issue } from '@laneflow/core';
import type { EditorDoc, EditorNode } from './doc.ts';
import type { IssueIndex } from './issues.ts';

/** Canvas ids of stand-ins for missing nodes; `:` cannot occur in a node id. */
const GHOST = 'missing:';
export const isGhostId = (id: string): boolean => id.startsWith(GHOST);

const OFFSET = 300;

/**
 * Stand-ins for nodes that edges name but the document lacks (an import, a hand-edited file), so
 * such an edge is drawn (in red, to a dashed "not a node" box) and can be selected, fixed or deleted
 * instead of silently vanishing. Each stand-in sits beside the edge's other end.
 */
export const danglingEnds = (
  doc: EditorDoc,
  issues: IssueIndex,
): { nodes: Array<{ spec: EditorNode; issues: Issue[] }>; rename: Map<string, string> } => {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  const nodes: Array<{ spec: EditorNode; issues: Issue[] }> = [];
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  for (const e of doc.edges)
    for (const end of ['source', 'target'] as const) {
      const id = e[end];
      if (ids.has(id) || rename.has(id)) continue;
      const other = byId.get(end === 'source' ? e.target : e.source);
      const position = other
        ? { x: other.position.x + (end === 'source' ? -OFFSET : OFFSET), y: other.position.y }
        : { x: 0, y: 0 };
      rename.set(id, `${GHOST}${id}`);
      nodes.push({
        spec: { id: `${GHOST}${id}`, kind: 'missing', label: id, position },
        issues: issues.edges.get(e.id) ?? [],
      });
    }
  return { nodes, rename };
};
