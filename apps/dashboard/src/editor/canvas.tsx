import type { Issue, NodeKind } from '@laneflow/core';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  MiniMap,
  type NodeChange,
  type NodeTypes,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { FIT_VIEW, MINIMAP_MIN_NODES, NODE_H, NODE_W } from '../graph/layout.ts';
import { LodLayer, useLod } from '../graph/lod-layer.tsx';
import { openingFit, useOpeningFit } from '../graph/opening-fit.ts';
import { hideAll, nodeAt } from '../graph/scene.ts';
import { confirmAction } from '../ui/confirm.tsx';
import { useTheme } from '../ui/theme.ts';
import { danglingEnds, isGhostId } from './dangling.ts';
import { type EditorNode, freshId, newEdgeId, newNode } from './doc.ts';
import { type EditorFlowNode, EditorNodeView, INVALID_COLOR } from './editor-node.tsx';
import { editorScene } from './editor-scene.ts';
import type { IssueIndex } from './issues.ts';
import { DND_TYPE } from './palette.tsx';
import { centredAt } from './placement.ts';
import { type EditorSelection, useEditor } from './store.ts';

const nodeTypes: NodeTypes = { editor: EditorNodeView };
const noEdges: Edge[] = [];
// Shift-click adds to the selection as in most editors; Ctrl/⌘-click as React Flow has it.
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
// Every edge shows which way the work flows.
const ARROW = { type: MarkerType.ArrowClosed, width: 18, height: 18 } as const;
const INVALID_ARROW = { ...ARROW, color: INVALID_COLOR } as const;

/** Whether the canvas's nodes are the document's, as they are once a load has been handed over. */
const showsDoc = (flow: EditorFlowNode[], doc: { nodes: EditorNode[] }): boolean =>
  doc.nodes.every((spec, i) => flow[i]?.data.spec === spec);

/** The editing canvas: drop kinds from the palette, connect, move, delete (Backspace / Delete). */
export const Canvas = ({ issues }: { issues: IssueIndex }) => {
  const doc = useEditor((s) => s.doc);
  const change = useEditor((s) => s.change);
  const select = useEditor((s) => s.select);
  const selection = useEditor((s) => s.selection);
  const loads = useEditor((s) => s.loads);
  const theme = useTheme((s) => s.theme);
  const fits = useEditor((s) => s.fits);
  const { screenToFlowPosition, setViewport } = useReactFlow();
  const fitOpening = useOpeningFit();
  const [nodes, setNodes] = useState<EditorFlowNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const wrapper = useRef<HTMLDivElement>(null);
  // The selection as last made by a click on the canvas: React Flow then keeps its own
  // multi-selection (shift-click, box); a selection made elsewhere (a form, a search) replaces it.
  const canvasSelection = useRef<EditorSelection>(undefined);

  // The document is the truth; React Flow's own state keeps what it measured.
  useEffect(() => {
    const ghosts = danglingEnds(doc, issues);
    const fromCanvas = selection !== undefined && selection === canvasSelection.current;
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      const flowNode = (
        spec: EditorNode,
        issueList: Issue[] | undefined,
        missing: boolean,
      ): EditorFlowNode => {
        const old = byId.get(spec.id);
        const isSelected =
          fromCanvas && old ? old.selected === true : selection?.type === 'node' && selection.id === spec.id;
        if (old && old.data.spec === spec && old.data.issues === issueList && old.selected === isSelected)
          return old;
        return {
          ...(old && { measured: old.measured }),
          id: spec.id,
          type: 'editor',
          // Unmeasured nodes without a size count as visible, so all would mount at once.
          initialWidth: NODE_W,
          initialHeight: NODE_H,
          position: spec.position,
          selected: isSelected,
          data: { spec, issues: issueList, ...(missing && { missing }) },
          // A node an edge names but the document lacks is shown, not edited: delete or fix the edge.
          ...(missing && { draggable: false, deletable: false, connectable: false, selectable: false }),
        };
      };
      return [
        ...doc.nodes.map((spec) => flowNode(spec, issues.nodes.get(spec.id), false)),
        ...ghosts.nodes.map((g) => flowNode(g.spec, g.issues, true)),
      ];
    });
    setEdges(
      doc.edges.map((e) => {
        const invalid = issues.edges.has(e.id);
        return {
          id: e.id,
          source: ghosts.rename.get(e.source) ?? e.source,
          target: ghosts.rename.get(e.target) ?? e.target,
          selected: selection?.type === 'edge' && selection.id === e.id,
          markerEnd: invalid ? INVALID_ARROW : ARROW,
          ...(e.label !== undefined && { label: e.label }),
          ...(e.condition && { label: e.label ?? `if ${e.condition.path || 'output'} ${e.condition.op}` }),
          ...(invalid && { style: { stroke: INVALID_COLOR, strokeWidth: 2 } }),
          'data-testid': `edge-${e.id}`,
        };
      }),
    );
  }, [doc, issues, selection]);

  // The nodes React Flow has selected, as of the last render; a click's changes are applied to them.
  const nodesNow = useRef(nodes);
  nodesNow.current = nodes;

  // A newly loaded document (template, import, New) is shown whole, not in the last one's viewport;
  // React Flow queues the fit until the new nodes are measured. An empty one starts at 100%. React
  // Flow takes a new document's nodes a commit after the document changes: a fit asked for before
  // that waits for them, or it would fit the last document's nodes.
  const fitPending = useRef(false);
  const fitNow = useCallback(() => {
    fitPending.current = false;
    const count = useEditor.getState().doc.nodes.length;
    if (count > 0) void fitOpening(count);
    else void setViewport({ x: 0, y: 0, zoom: 1 });
  }, [fitOpening, setViewport]);
  useEffect(() => {
    if (loads + fits === 0) return;
    if (showsDoc(nodesNow.current, useEditor.getState().doc)) fitNow();
    else fitPending.current = true;
  }, [loads, fits, fitNow]);
  useEffect(() => {
    if (fitPending.current && showsDoc(nodes, useEditor.getState().doc)) fitNow();
  }, [nodes, fitNow]);
  /**
   * The form shows the node last added to React Flow's selection, or, when a click took the shown
   * node out of it, another selected one: the store's selection follows the canvas's, never the
   * other way round while the user clicks on the canvas.
   */
  const followCanvasSelection = useCallback(
    (changes: NodeChange<EditorFlowNode>[]) => {
      const selects = changes.flatMap((c) => (c.type === 'select' ? [c] : []));
      if (selects.length === 0) return;
      const now = new Set(nodesNow.current.flatMap((n) => (n.selected ? [n.id] : [])));
      for (const c of selects)
        if (c.selected) now.add(c.id);
        else now.delete(c.id);
      const shown = useEditor.getState().selection;
      const added = selects.filter((c) => c.selected).map((c) => c.id);
      const primary =
        added[added.length - 1] ?? (shown?.type === 'node' && now.has(shown.id) ? shown.id : [...now].pop());
      // Nodes let go because an edge was clicked: the edge's selection stands.
      if (primary === undefined && shown?.type !== 'node') return;
      if (shown?.type === 'node' && shown.id === primary) {
        canvasSelection.current = shown;
        return;
      }
      canvasSelection.current = primary === undefined ? undefined : { type: 'node', id: primary };
      select(canvasSelection.current);
    },
    [select],
  );

  const onNodesChange = useCallback(
    (all: NodeChange<EditorFlowNode>[]) => {
      const changes = all.filter((c) => !('id' in c) || !isGhostId(c.id));
      setNodes((prev) => applyNodeChanges(all, prev));
      const current = useEditor.getState().doc;
      let next = current;
      for (const c of changes) {
        if (c.type === 'position' && c.position) {
          const pos = c.position;
          next = {
            ...next,
            nodes: next.nodes.map((n) =>
              n.id === c.id ? { ...n, position: { x: Math.round(pos.x), y: Math.round(pos.y) } } : n,
            ),
          };
        }
      }
      followCanvasSelection(changes);
      if (next !== current) {
        const dragging = changes.some((c) => c.type === 'position' && c.dragging);
        change(next, { record: !dragging });
      }
    },
    [change, followCanvasSelection],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      setEdges((prev) => applyEdgeChanges(changes, prev));
      for (const c of changes) if (c.type === 'select' && c.selected) select({ type: 'edge', id: c.id });
    },
    [select],
  );

  // One Delete is one undo step: React Flow reports a node's removal and its edges' in separate
  // change batches, so the document follows the one onDelete that names them all.
  const onDelete = useCallback(
    ({ nodes: goneNodes, edges: goneEdges }: { nodes: EditorFlowNode[]; edges: Edge[] }) => {
      const nodeIds = new Set(goneNodes.flatMap((n) => (isGhostId(n.id) ? [] : [n.id])));
      const edgeIds = new Set(goneEdges.map((e) => e.id));
      const d = useEditor.getState().doc;
      const next = {
        ...d,
        nodes: d.nodes.filter((n) => !nodeIds.has(n.id)),
        edges: d.edges.filter((e) => !edgeIds.has(e.id) && !nodeIds.has(e.source) && !nodeIds.has(e.target)),
      };
      if (next.nodes.length !== d.nodes.length || next.edges.length !== d.edges.length) change(next);
    },
    [change],
  );

  const onConnect = useCallback(
    (c: { source: string; target: string }) => {
      const d = useEditor.getState().doc;
      if (d.edges.some((e) => e.source === c.source && e.target === c.target)) return;
      change({ ...d, edges: [...d.edges, { id: newEdgeId(), source: c.source, target: c.target }] });
    },
    [change],
  );

  const addAt = useCallback(
    (kind: NodeKind, position: { x: number; y: number }) => {
      const d = useEditor.getState().doc;
      const id = freshId(d, kind);
      change({ ...d, nodes: [...d.nodes, newNode(kind, id, position)] });
      select({ type: 'node', id });
    },
    [change, select],
  );

  // Zoomed out on a large document, nodes are painted on a canvas; zoom in to drag or connect them.
  const lod = useLod(nodes.length);
  const shown = useMemo(() => (lod ? hideAll(nodes) : nodes), [lod, nodes]);
  const scene = useMemo(
    () => (lod ? editorScene(nodes, edges, theme) : undefined),
    [lod, nodes, edges, theme],
  );
  const selectedId = selection?.type === 'node' ? selection.id : undefined;

  // Delete keys act on the canvas only when it has the focus: a key pressed after a form field
  // lost its focus (to the page) must never delete the selected node.
  // Deleting several nodes at once asks first (undo would bring them back, but may not be known).
  const onBeforeDelete = useCallback(async ({ nodes: gone }: { nodes: EditorFlowNode[] }) => {
    if (wrapper.current?.contains(document.activeElement) !== true) return false;
    const count = gone.filter((n) => !isGhostId(n.id)).length;
    if (count <= 1) return true;
    return confirmAction({
      title: `Delete ${count} nodes?`,
      message: `The ${count} selected nodes and their edges leave the DAG. Undo brings them back.`,
      confirm: `Delete ${count} nodes`,
    });
  }, []);

  return (
    <ReactFlow<EditorFlowNode>
      ref={wrapper}
      nodes={shown}
      edges={lod ? noEdges : edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onDelete={onDelete}
      onConnect={onConnect}
      onPaneClick={(e) => {
        const hit = scene && nodeAt(scene, screenToFlowPosition({ x: e.clientX, y: e.clientY }));
        select(hit && { type: 'node', id: hit.id });
      }}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
      }}
      onDrop={(e) => {
        e.preventDefault();
        const kind = e.dataTransfer.getData(DND_TYPE) as NodeKind;
        // Centred under the cursor, where the user let go, not hanging from its corner.
        if (kind) addAt(kind, centredAt(screenToFlowPosition({ x: e.clientX, y: e.clientY })));
      }}
      deleteKeyCode={['Backspace', 'Delete']}
      multiSelectionKeyCode={MULTI_SELECT_KEYS}
      onBeforeDelete={onBeforeDelete}
      onlyRenderVisibleElements
      fitView
      fitViewOptions={openingFit(doc.nodes.length)}
      minZoom={FIT_VIEW.minZoom}
      proOptions={{ hideAttribution: true }}
      colorMode={theme}
    >
      <Background />
      {scene && <LodLayer scene={scene} selectedId={selectedId} />}
      <Controls fitViewOptions={FIT_VIEW} />
      {!lod && nodes.length > MINIMAP_MIN_NODES && <MiniMap pannable zoomable />}
    </ReactFlow>
  );
};
