import { create } from 'zustand';

/** What the inspector shows: a node, or one timeline event (by seq). */
export interface Selection {
  nodeId: string | undefined;
  seq: number | undefined;
  selectNode(nodeId: string | undefined): void;
  selectEvent(seq: number, nodeId?: string): void;
  clear(): void;
}

export const useSelection = create<Selection>((set) => ({
  nodeId: undefined,
  seq: undefined,
  selectNode: (nodeId) => set({ nodeId, seq: undefined }),
  selectEvent: (seq, nodeId) => set({ seq, nodeId }),
  clear: () => set({ nodeId: undefined, seq: undefined }),
}));
