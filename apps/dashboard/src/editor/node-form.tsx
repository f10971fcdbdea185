import { describeIssue, type Issue, nodeKinds, type TierRef } from '@laneflow/core';
import { useRef } from 'react';
import { Connections, deleteEdge } from './connections.tsx';
import type { EditorDoc, EditorEdge, EditorNode } from './doc.ts';
import { CommitField, JsonField, NumberField, SelectField, TextField, Toggle } from './fields.tsx';
import { changeKind, isKnownKind } from './kind.ts';
import { idProblem, renameNode } from './rename.ts';
import { useEditor } from './store.ts';
import { TierField } from './tier-field.tsx';
import { useFocusRequest } from './use-focus-request.ts';

type Obj = Record<string, unknown>;
const without = (o: Obj, key: string): Obj => {
  const { [key]: _, ...rest } = o;
  return rest;
};
/** Sets `key` (removing it when undefined), so the DAG file keeps only what was set. */
const setKey = <T extends Obj>(o: T, key: string, v: unknown): T =>
  v === undefined ? (without(o, key) as T) : { ...o, [key]: v };

/** The problems of the form's node, edge or DAG, in words, above its fields. */
const IssueList = ({ issues }: { issues: Issue[] | undefined }) => {
  const doc = useEditor((s) => s.doc);
  return issues ? (
    <ul className="lf-error" style={{ margin: '0 0 8px', paddingLeft: 20 }} data-testid="form-issues">
      {issues.map((i) => (
        <li key={`${i.path}${i.message}`}>{describeIssue(doc, i).text}</li>
      ))}
    </ul>
  ) : null;
};

/** The inspector form of one node; each field is checked by the DAG schema through `validateDag`. */
export const NodeForm = ({ node, issues }: { node: EditorNode; issues: Issue[] | undefined }) => {
  const change = useEditor((s) => s.change);
  const form = useRef<HTMLElement>(null);
  useFocusRequest(form, { type: 'node', id: node.id });
  const update = (key: string, v: unknown) => {
    const doc = useEditor.getState().doc;
    change(
      { ...doc, nodes: doc.nodes.map((n) => (n.id === node.id ? setKey(n, key, v) : n)) },
      { typing: `node:${node.id}:${key}` },
    );
  };
  const rename = (id: string) => {
    const { doc, select, requestFocus } = useEditor.getState();
    change(renameNode(doc, node.id, id));
    select({ type: 'node', id });
    // The form is shown again for the new id; the Id field keeps the focus, never the canvas.
    requestFocus({ target: { type: 'node', id }, field: 'id' });
  };
  const setKind = (kind: string | undefined) => {
    if (!kind || !isKnownKind(kind)) return;
    const doc = useEditor.getState().doc;
    change({ ...doc, nodes: doc.nodes.map((n) => (n.id === node.id ? changeKind(n, kind) : n)) });
    useEditor.getState().requestFocus({ target: { type: 'node', id: node.id }, field: 'kind' });
  };
  const gate = node.gate as Obj | undefined;
  const approval = node.approval as Obj | undefined;
  const retries = node.retries as Obj | undefined;
  const str = (k: string) => (typeof node[k] === 'string' ? (node[k] as string) : undefined);
  return (
    <section aria-label="Node settings" data-testid="node-form" ref={form}>
      <h2 className="lf-subhead">{node.kind} node</h2>
      <IssueList issues={issues} />
      <CommitField
        label="Id"
        field="id"
        value={node.id}
        onCommit={rename}
        problem={(v) => idProblem(useEditor.getState().doc, node.id, v)}
      />
      <SelectField
        label={isKnownKind(node.kind) ? 'Kind' : `Kind ("${node.kind}" is not a kind: choose one)`}
        field="kind"
        value={isKnownKind(node.kind) ? node.kind : undefined}
        options={[...nodeKinds]}
        onChange={setKind}
      />
      <TextField field="label" label="Label" value={str('label')} onChange={(v) => update('label', v)} />
      {/* A node of an unknown kind has no fields to show until a kind is chosen. */}
      {isKnownKind(node.kind) && (node.kind === 'llm' || node.kind === 'map' || node.kind === 'approval') && (
        <TextField
          field="prompt"
          label="Prompt (template: {{nodeId}}, {{inputs.x}})"
          value={str('prompt')}
          onChange={(v) => update('prompt', v)}
          multiline
        />
      )}
      {(node.kind === 'llm' || node.kind === 'map') && (
        <TextField
          field="system"
          label="System prompt"
          value={str('system')}
          onChange={(v) => update('system', v)}
          multiline
        />
      )}
      {node.kind === 'llm' && (
        <SelectField
          field="output"
          label="Output"
          value={(node.output as Obj | undefined)?.format as string | undefined}
          options={['text', 'json']}
          onChange={(v) => update('output', v ? { ...(node.output as Obj), format: v } : undefined)}
        />
      )}
      {node.kind === 'map' && (
        <>
          <TextField
            field="items"
            label="Items (a list reference, e.g. {{plan.topics}})"
            value={str('items')}
            onChange={(v) => update('items', v)}
          />
          <NumberField
            field="maxItems"
            label="Max items"
            value={node.maxItems as number | undefined}
            onChange={(v) => update('maxItems', v)}
          />
        </>
      )}
      {node.kind === 'transform' && (
        <JsonField
          field="mapping"
          label="Mapping (string leaves are templates)"
          value={node.mapping}
          onChange={(v) => update('mapping', v)}
        />
      )}
      {node.kind === 'approval' && (
        <>
          <JsonField
            field="payload"
            label="Payload shown to the approver"
            value={node.payload}
            onChange={(v) => update('payload', v)}
          />
          <NumberField
            field="timeoutMs"
            label="Timeout (ms)"
            value={node.timeoutMs as number | undefined}
            onChange={(v) => update('timeoutMs', v)}
          />
          <SelectField
            field="onTimeout"
            label="On timeout"
            value={str('onTimeout')}
            options={['reject', 'approve', 'escalate']}
            onChange={(v) => update('onTimeout', v)}
          />
        </>
      )}
      {(node.kind === 'llm' || node.kind === 'map') && (
        <>
          <TierField
            field="startTier"
            label="Start tier"
            value={node.startTier as TierRef | undefined}
            onChange={(v) => update('startTier', v)}
          />
          <TierField
            field="maxTier"
            label="Max tier"
            value={node.maxTier as TierRef | undefined}
            onChange={(v) => update('maxTier', v)}
          />
          <NumberField
            field="retries"
            label="Retries"
            value={retries?.max as number | undefined}
            onChange={(v) => update('retries', v === undefined ? undefined : { ...retries, max: v })}
          />
          <Toggle
            field="gate"
            label="Confidence gate"
            on={gate !== undefined}
            onChange={(on) => update('gate', on ? { target: 0.95, maxTries: 3 } : undefined)}
          />
          {gate && (
            <>
              <NumberField
                field="gate.target"
                label="Gate target (0..1)"
                step={0.01}
                value={gate.target as number | undefined}
                onChange={(v) => update('gate', setKey(gate, 'target', v))}
              />
              <NumberField
                field="gate.maxTries"
                label="Gate tries"
                value={gate.maxTries as number | undefined}
                onChange={(v) => update('gate', setKey(gate, 'maxTries', v))}
              />
            </>
          )}
          <Toggle
            field="approval"
            label="Human approval"
            on={approval !== undefined}
            onChange={(on) =>
              update('approval', on ? { when: 'after', prompt: 'Approve this output?' } : undefined)
            }
          />
          {approval && (
            <>
              <SelectField
                field="approval.when"
                label="Approve"
                value={approval.when as string | undefined}
                options={['before', 'after']}
                onChange={(v) => update('approval', setKey(approval, 'when', v))}
              />
              <TextField
                field="approval.prompt"
                label="Approval prompt"
                value={approval.prompt as string | undefined}
                onChange={(v) => update('approval', setKey(approval, 'prompt', v))}
              />
            </>
          )}
          <JsonField
            field="sim"
            label="Simulated model (sim)"
            value={node.sim}
            onChange={(v) => update('sim', v)}
          />
        </>
      )}
      <Connections node={node} />
    </section>
  );
};

/** The inspector form of one edge: label and a declarative condition. */
export const EdgeForm = ({ edge, issues }: { edge: EditorEdge; issues: Issue[] | undefined }) => {
  const change = useEditor((s) => s.change);
  const form = useRef<HTMLElement>(null);
  useFocusRequest(form, { type: 'edge', id: edge.id });
  const update = (key: string, v: unknown) => {
    const doc = useEditor.getState().doc;
    change(
      {
        ...doc,
        edges: doc.edges.map((e) =>
          e.id === edge.id ? setKey(e as unknown as Obj, key, v) : e,
        ) as EditorEdge[],
      },
      { typing: `edge:${edge.id}:${key}` },
    );
  };
  const c = edge.condition;
  return (
    <section aria-label="Edge settings" data-testid="edge-form" ref={form}>
      <h2 className="lf-subhead">
        {edge.source} → {edge.target}
      </h2>
      <IssueList issues={issues} />
      <TextField field="label" label="Label" value={edge.label} onChange={(v) => update('label', v)} />
      <button type="button" className="danger" onClick={() => deleteEdge(edge.id)}>
        Delete edge
      </button>
      <Toggle
        field="condition"
        label="Only if a condition holds"
        on={c !== undefined}
        onChange={(on) => update('condition', on ? { path: '', op: 'truthy' } : undefined)}
      />
      {c && (
        <>
          <TextField
            field="condition.path"
            label="Path in the source output (empty = whole)"
            value={c.path}
            onChange={(v) => update('condition', { ...c, path: v ?? '' })}
          />
          <SelectField
            field="condition.op"
            label="Operator"
            value={c.op}
            options={['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists', 'truthy', 'falsy', 'contains']}
            onChange={(v) => update('condition', { ...c, op: v ?? 'truthy' })}
          />
          <JsonField
            field="condition.value"
            label="Value"
            value={c.value}
            onChange={(v) => update('condition', setKey(c as Obj, 'value', v))}
          />
        </>
      )}
    </section>
  );
};

/** The document's own fields. */
export const DocForm = ({ doc, issues }: { doc: EditorDoc; issues: Issue[] }) => {
  const change = useEditor((s) => s.change);
  const form = useRef<HTMLElement>(null);
  useFocusRequest(form, undefined);
  const update = (key: string, v: unknown) =>
    change(setKey(useEditor.getState().doc, key, v), { typing: `doc:${key}` });
  return (
    <section aria-label="DAG settings" ref={form}>
      <h2 className="lf-subhead">DAG</h2>
      <IssueList issues={issues.length ? issues : undefined} />
      <TextField field="id" label="Id" value={doc.id} onChange={(v) => update('id', v ?? '')} />
      <TextField field="name" label="Name" value={doc.name} onChange={(v) => update('name', v)} />
      <TextField
        field="description"
        label="Description"
        value={doc.description}
        onChange={(v) => update('description', v)}
        multiline
      />
      <JsonField
        field="inputs"
        label="Inputs ({{inputs.name}})"
        value={doc.inputs}
        onChange={(v) => update('inputs', v)}
      />
      <JsonField
        field="inputSchema"
        label="Input schema (JSON Schema; Run asks for these)"
        value={doc.inputSchema}
        onChange={(v) => update('inputSchema', v)}
      />
    </section>
  );
};
