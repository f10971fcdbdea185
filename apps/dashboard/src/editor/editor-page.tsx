import { type DagRecord, describeIssue, type NodeKind, validateDag } from '@laneflow/core';
import { exampleDags } from '@laneflow/examples';
import { HttpError } from '@laneflow/sdk';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useConnection, useTransport } from '../connection/store.ts';
import { hrefFor } from '../route.ts';
import { navigate } from '../router.ts';
import { askRunInputs, ranWith } from '../run-inputs/run-inputs-dialog.tsx';
import { Canvas } from './canvas.tsx';
import { freshId, newNode, toDagJson, toEditorDoc } from './doc.ts';
import { DraftOffer } from './draft-offer.tsx';
import { deleteDraft } from './drafts.ts';
import { indexIssues } from './issues.ts';
import { LayoutProgress } from './layout-progress.tsx';
import { layOut, withPositions } from './layout-run.ts';
import { MissingDag } from './missing-dag.tsx';
import { DocForm, EdgeForm, NodeForm } from './node-form.tsx';
import { NodeSearch } from './node-search.tsx';
import { Palette } from './palette.tsx';
import { freeSpot } from './placement.ts';
import { ProblemsPanel } from './problems-panel.tsx';
import { saveEdited } from './save-edited.ts';
import { useEditor } from './store.ts';
import { Toolbar } from './toolbar.tsx';
import { confirmDiscard, draftKey, useAutosave, useLeaveWarning } from './unsaved.ts';
import { useEditorKeys } from './use-editor-keys.ts';
import { useValidation } from './use-validation.ts';

const Editor = ({ dagId, version }: { dagId?: string; version?: number }) => {
  const doc = useEditor((s) => s.doc);
  const selection = useEditor((s) => s.selection);
  const target = useConnection((s) => s.target);
  const setTarget = useConnection((s) => s.setTarget);
  const server = useConnection((s) => s.server);
  const transport = useTransport(target);
  const { screenToFlowPosition, getNodes, fitView } = useReactFlow();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [missing, setMissing] = useState<string>();
  const graph = useRef<HTMLDivElement>(null);
  const verified = useEditor((s) => s.verified);
  const validation = useValidation(doc, verified);
  const issues = useMemo(() => indexIssues(doc, validation.issues), [doc, validation.issues]);
  const problems = useMemo(
    () => validation.issues.map((i) => describeIssue(doc, i)),
    [doc, validation.issues],
  );
  const ready = !validation.pending && validation.issues.length === 0;
  /** The DAG to save or run: parsed once more, so what is sent is exactly what the schema accepts. */
  const parsed = () => {
    const r = validateDag(toDagJson(useEditor.getState().doc));
    return r.ok ? r.value : undefined;
  };
  const [searching, setSearching] = useState(false);
  useEditorKeys({
    selectedIds: () => {
      // React Flow knows the multi-selection (shift-click, box); the store the last clicked node.
      const ids = new Set(getNodes().flatMap((n) => (n.selected ? [n.id] : [])));
      const sel = useEditor.getState().selection;
      if (sel?.type === 'node') ids.add(sel.id);
      return ids;
    },
    onSearch: () => setSearching(true),
    note: (text) => setMessage({ ok: true, text }),
  });
  const jumpTo = (id: string) => {
    setSearching(false);
    useEditor.getState().select({ type: 'node', id });
    void fitView({ nodes: [{ id }], duration: 200, maxZoom: 1 });
  };
  useLeaveWarning();
  useAutosave();

  useEffect(() => {
    let live = true;
    const open = async () => {
      setMissing(undefined);
      const state = useEditor.getState();
      if (!dagId) {
        // The editor tab shows the open document; its URL names it once it is stored.
        if (state.source) window.location.replace(hrefFor({ page: 'editor', ...state.source }));
        else if (state.loads === 0) state.load(toEditorDoc(structuredClone(exampleDags[0])));
        return;
      }
      const current = state.source;
      if (
        !transport ||
        (current?.dagId === dagId && (version === undefined || current.version === version))
      ) {
        // Already open: a URL without a version (a hand-typed link) is given the open one.
        if (current?.dagId === dagId && version === undefined)
          window.location.replace(hrefFor({ page: 'editor', ...current }));
        return;
      }
      let rec: DagRecord;
      try {
        rec =
          version === undefined
            ? await transport.getDag(dagId)
            : await transport.getDagVersion(dagId, version);
      } catch (err) {
        if (!live) return;
        if (err instanceof HttpError && err.status === 404) setMissing(dagId);
        else setMessage({ ok: false, text: (err as Error).message });
        return;
      }
      if (!live) return;
      if (!(await confirmDiscard(`Opening "${rec.name ?? dagId}"`))) {
        // Stay on the document with the edits, and so on its URL.
        const stay = useEditor.getState().source;
        window.location.replace(hrefFor({ page: 'editor', ...stay }));
        return;
      }
      const opened = toEditorDoc(rec.spec);
      // A DAG stored without positions (saved through the API, say) is laid out before it is shown.
      const positions = rec.spec.nodes.some((n) => n.position === undefined)
        ? await layOut(opened)
        : undefined;
      if (!live) return;
      useEditor.getState().load(positions ? withPositions(opened, positions) : opened, {
        verified: true,
        source: { dagId, version: rec.version },
      });
      if (version === undefined)
        window.location.replace(hrefFor({ page: 'editor', dagId, version: rec.version }));
    };
    void open();
    return () => {
      live = false;
    };
  }, [dagId, version, transport]);

  const addCentered = (kind: NodeKind) => {
    const d = useEditor.getState().doc;
    const id = freshId(d, kind);
    // The centre of the canvas (not of the window, which the side panels push off to one side).
    const box = graph.current?.getBoundingClientRect();
    const centre = box
      ? { x: box.left + box.width / 2, y: box.top + box.height / 2 }
      : { x: window.innerWidth / 2, y: window.innerHeight / 2 };
    const pos = freeSpot(d, screenToFlowPosition(centre));
    useEditor.getState().change({ ...d, nodes: [...d.nodes, newNode(kind, id, pos)] });
    useEditor.getState().select({ type: 'node', id });
  };

  const save = async () => {
    const dag = parsed();
    if (!transport || !dag) return;
    try {
      const sent = useEditor.getState().doc;
      const rec = await saveEdited(transport, dag, useEditor.getState().source);
      if (!rec) {
        setMessage({ ok: false, text: 'Not saved. Your edits are still here, and kept as a draft.' });
        return;
      }
      const key = draftKey(useEditor.getState());
      useEditor.getState().markSaved(sent, { dagId: rec.id, version: rec.version });
      void deleteDraft(key).catch(() => {});
      navigate({ page: 'editor', dagId: rec.id, version: rec.version });
      setMessage({
        ok: true,
        text: `Saved ${rec.id} v${rec.version} ${target === 'local' ? 'in this browser' : 'on the server'}.`,
      });
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  const run = async () => {
    const dag = parsed();
    if (!transport || !dag) return;
    try {
      const inputs = await askRunInputs(dag);
      if (!inputs) return;
      const { runId } = await transport.startRun({ dag, inputs });
      ranWith(dag, inputs);
      navigate({ page: 'run', mode: target, runId });
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };

  if (missing)
    return <MissingDag dagId={missing} where={target === 'local' ? 'this browser' : 'the server'} />;

  const node = selection?.type === 'node' ? doc.nodes.find((n) => n.id === selection.id) : undefined;
  const edge = selection?.type === 'edge' ? doc.edges.find((e) => e.id === selection.id) : undefined;
  return (
    <div className="lf-run" style={{ gridTemplateColumns: '180px 1fr 340px', gridTemplateRows: 'auto 1fr' }}>
      <div className="lf-run-bar" style={{ gridColumn: '1 / 4' }}>
        <h1 className="lf-bar-title">{doc.name ?? doc.id}</h1>
        <Toolbar onImportError={(text) => setMessage(text ? { ok: false, text } : undefined)} />
        <LayoutProgress />
        <span className="lf-spacer" />
        <span
          className={validation.issues.length === 0 ? 'lf-chip' : 'lf-chip lf-error'}
          data-testid="validity"
          aria-busy={validation.pending}
        >
          {validation.pending
            ? 'checking…'
            : validation.issues.length === 0
              ? 'valid'
              : `${validation.issues.length} problem${validation.issues.length > 1 ? 's' : ''}`}
        </span>
        <select
          aria-label="Run on"
          value={target}
          onChange={(e) => setTarget(e.target.value as 'local' | 'remote')}
        >
          <option value="local">This browser</option>
          <option value="remote" disabled={!server}>
            Server{server ? '' : ' (not connected)'}
          </option>
        </select>
        <button type="button" onClick={save} disabled={!ready}>
          Save
        </button>
        <button type="button" className="primary" onClick={run} disabled={!ready} data-testid="run-button">
          Run
        </button>
      </div>
      <aside
        aria-label="Node palette"
        style={{ borderRight: '1px solid var(--border)', background: 'var(--panel)', overflow: 'auto' }}
      >
        <Palette onAdd={addCentered} />
      </aside>
      <div className="lf-run-graph" style={{ gridColumn: 2 }} ref={graph}>
        <DraftOffer />
        {searching && <NodeSearch doc={doc} onPick={jumpTo} onClose={() => setSearching(false)} />}
        <Canvas issues={issues} />
      </div>
      <aside aria-label="Inspector" className="lf-side" style={{ gridColumn: 3, gridRow: 2, padding: 12 }}>
        {message && (
          <p className={message.ok ? 'lf-chip' : 'lf-error'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}
        {node ? (
          <NodeForm key={node.id} node={node} issues={issues.nodes.get(node.id)} />
        ) : edge ? (
          <EdgeForm key={edge.id} edge={edge} issues={issues.edges.get(edge.id)} />
        ) : (
          <DocForm doc={doc} issues={issues.doc} />
        )}
        <ProblemsPanel problems={problems} />
      </aside>
    </div>
  );
};

/** Author DAGs: palette, canvas, per-kind forms, live validation, undo/redo, import/export, save, run. */
export const EditorPage = ({ dagId, version }: { dagId?: string; version?: number }) => (
  <ReactFlowProvider>
    <Editor {...(dagId !== undefined && { dagId })} {...(version !== undefined && { version })} />
  </ReactFlowProvider>
);
