import type { Issue } from '@laneflow/core';
import type { EditorDoc } from './doc.ts';

export interface IssueIndex {
  nodes: Map<string, Issue[]>;
  edges: Map<string, Issue[]>;
  /** Issues of the document itself (id, name, ladder…). */
  doc: Issue[];
  all: Issue[];
}

const push = (m: Map<string, Issue[]>, key: string, i: Issue) => {
  const list = m.get(key) ?? [];
  list.push(i);
  m.set(key, list);
};

/** Puts each `validateDag` issue on the node or edge its path names; cycles on every node they pass. */
export const indexIssues = (doc: EditorDoc, issues: Issue[]): IssueIndex => {
  const index: IssueIndex = { nodes: new Map(), edges: new Map(), doc: [], all: issues };
  for (const i of issues) {
    const [head, n] = i.path.split('.');
    const at = Number(n);
    if (head === 'nodes' && doc.nodes[at]) push(index.nodes, doc.nodes[at].id, i);
    else if (head === 'edges' && doc.edges[at]) push(index.edges, doc.edges[at].id, i);
    else if (i.code === 'cycle') {
      const names = i.message.replace(/^cycle:\s*/, '').split(' → ');
      for (const id of new Set(names)) push(index.nodes, id, i);
      for (const e of doc.edges)
        names.forEach((id, k) => {
          if (e.source === id && e.target === names[k + 1]) push(index.edges, e.id, i);
        });
    } else index.doc.push(i);
  }
  return index;
};
