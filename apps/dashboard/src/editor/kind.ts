import { type NodeKind, nodeKinds } from '@laneflow/core';
import { type EditorNode, kindDefaults } from './doc.ts';

/** Fields every kind has (identity, place, tiers, retries, gate, approval). */
const COMMON = [
  'id',
  'label',
  'description',
  'position',
  'startTier',
  'maxTier',
  'retries',
  'timeoutMs',
  'gate',
  'approval',
];
/** Fields each kind has besides the common ones. */
const OWN: Record<NodeKind, string[]> = {
  llm: ['prompt', 'system', 'output', 'sim'],
  approval: ['prompt', 'payload', 'onTimeout'],
  transform: ['mapping'],
  map: ['items', 'prompt', 'system', 'maxItems', 'sim'],
};

export const isKnownKind = (kind: string): kind is NodeKind =>
  (nodeKinds as readonly string[]).includes(kind);

/**
 * The node as another kind: what both kinds have (id, label, place, tiers, a prompt…) carries over,
 * what the new kind needs and lacks starts at its defaults, and the rest is dropped, so the result is
 * as valid as the node was.
 */
export const changeKind = (node: EditorNode, kind: NodeKind): EditorNode => {
  const keep = new Set([...COMMON, ...OWN[kind]]);
  const carried = Object.fromEntries(Object.entries(node).filter(([k]) => keep.has(k)));
  return { ...structuredClone(kindDefaults[kind]), ...carried, kind } as EditorNode;
};
