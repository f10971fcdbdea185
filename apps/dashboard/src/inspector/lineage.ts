import type { NodeView, RunView } from '@laneflow/core';

export interface LineageItem {
  node: NodeView;
  children: LineageItem[];
}

/** The root of `nodeId`'s escalation chain: up through parents while the node is an escalation child. */
export const chainRoot = (view: RunView, nodeId: string): NodeView | undefined => {
  let node = view.nodes.get(nodeId);
  const seen = new Set<string>();
  while (node?.spawnReason === 'escalation' && node.parentId !== undefined && !seen.has(node.id)) {
    seen.add(node.id);
    const parent = view.nodes.get(node.parentId);
    if (!parent) break;
    node = parent;
  }
  return node;
};

/** The escalation lineage around `nodeId`: its chain root and, below it, every escalation child. */
export const escalationLineage = (view: RunView, nodeId: string): LineageItem | undefined => {
  const root = chainRoot(view, nodeId);
  if (!root) return undefined;
  const seen = new Set<string>();
  const build = (node: NodeView): LineageItem => {
    seen.add(node.id);
    const children: LineageItem[] = [];
    for (const id of node.children) {
      const child = view.nodes.get(id);
      if (child?.spawnReason === 'escalation' && !seen.has(id)) children.push(build(child));
    }
    return { node, children };
  };
  return build(root);
};
