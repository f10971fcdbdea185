import type { Issue } from '@laneflow/core';
import type { EditorDoc, EditorEdge, EditorNode } from './doc.ts';
import { JsonField, NumberField, SelectField, TextField, Toggle } from './fields.tsx';
import { useEditor } from './store.ts';

type Obj = Record<string, unknown>;
const without = (o: Obj, key: string): Obj => {
  const { [key]: _, ...rest } = o;
  return rest;
};
/** Sets `key` (removing it when undefined), so the DAG file keeps only what was set. */
const setKey = <T extends Obj>(o: T, key: string, v: unknown): T =>
  v === undefined ? (without(o, key) as T) : { ...o, [key]: v };

const tierValue = (v: string | undefined) => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v);

const IssueList = ({ issues }: { issues: Issue[] | undefined }) =>
  issues ? (
    <ul className="lf-error" style={{ margin: '0 0 8px', paddingLeft: 20 }} data-testid="form-issues">
      {issues.map((i) => (
        <li key={`${i.path}${i.message}`}>
          <code>{i.path}</code>: {i.message}
        </li>
      ))}
    </ul>
  ) : null;

/** The inspector form of one node; each field is checked by the DAG schema through `validateDag`. */
export const NodeForm = ({ node, issues }: { node: EditorNode; issues: Issue[] | undefined }) => {
  const change = useEditor((s) => s.change);
  const select = useEditor((s) => s.select);
  const update = (key: string, v: unknown) => {
    const doc = useEditor.getState().doc;
    change({ ...doc, nodes: doc.nodes.map((n) => (n.id === node.id ? setKey(n, key, v) : n)) });
  };
  const rename = (id: string | undefined) => {
    if (!id) return;
    const doc = useEditor.getState().doc;
    change({
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === node.id ? { ...n, id } : n)),
      edges: doc.edges.map((e) => ({
        ...e,
        source: e.source === node.id ? id : e.source,
        target: e.target === node.id ? id : e.target,
      })),
    });
    select({ type: 'node', id });
  };
  const gate = node.gate as Obj | undefined;
  const approval = node.approval as Obj | undefined;
  const retries = node.retries as Obj | undefined;
  const str = (k: string) => (typeof node[k] === 'string' ? (node[k] as string) : undefined);
  return (
    <section aria-label="Node settings" data-testid="node-form">
      <h3>{node.kind} node</h3>
      <IssueList issues={issues} />
      <TextField label="Id" value={node.id} onChange={rename} />
      <TextField label="Label" value={str('label')} onChange={(v) => update('label', v)} />
      {(node.kind === 'llm' || node.kind === 'map' || node.kind === 'approval') && (
        <TextField
          label="Prompt (template: {{nodeId}}, {{inputs.x}})"
          value={str('prompt')}
          onChange={(v) => update('prompt', v)}
          multiline
        />
      )}
      {(node.kind === 'llm' || node.kind === 'map') && (
        <TextField
          label="System prompt"
          value={str('system')}
          onChange={(v) => update('system', v)}
          multiline
        />
      )}
      {node.kind === 'llm' && (
        <SelectField
          label="Output"
          value={(node.output as Obj | undefined)?.format as string | undefined}
          options={['text', 'json']}
          onChange={(v) => update('output', v ? { ...(node.output as Obj), format: v } : undefined)}
        />
      )}
      {node.kind === 'map' && (
        <>
          <TextField
            label="Items (a list reference, e.g. {{plan.topics}})"
            value={str('items')}
            onChange={(v) => update('items', v)}
          />
          <NumberField
            label="Max items"
            value={node.maxItems as number | undefined}
            onChange={(v) => update('maxItems', v)}
          />
        </>
      )}
      {node.kind === 'transform' && (
        <JsonField
          label="Mapping (string leaves are templates)"
          value={node.mapping}
          onChange={(v) => update('mapping', v)}
        />
      )}
      {node.kind === 'approval' && (
        <>
          <JsonField
            label="Payload shown to the approver"
            value={node.payload}
            onChange={(v) => update('payload', v)}
          />
          <NumberField
            label="Timeout (ms)"
            value={node.timeoutMs as number | undefined}
            onChange={(v) => update('timeoutMs', v)}
          />
          <SelectField
            label="On timeout"
            value={str('onTimeout')}
            options={['reject', 'approve', 'escalate']}
            onChange={(v) => update('onTimeout', v)}
          />
        </>
      )}
      {node.kind !== 'approval' && node.kind !== 'transform' && (
        <>
          <TextField
            label="Start tier (index or name)"
            value={node.startTier === undefined ? undefined : String(node.startTier)}
            onChange={(v) => update('startTier', tierValue(v))}
          />
          <TextField
            label="Max tier (index or name)"
            value={node.maxTier === undefined ? undefined : String(node.maxTier)}
            onChange={(v) => update('maxTier', tierValue(v))}
          />
          <NumberField
            label="Retries"
            value={retries?.max as number | undefined}
            onChange={(v) => update('retries', v === undefined ? undefined : { ...retries, max: v })}
          />
          <Toggle
            label="Confidence gate"
            on={gate !== undefined}
            onChange={(on) => update('gate', on ? { target: 0.95, maxTries: 3 } : undefined)}
          />
          {gate && (
            <>
              <NumberField
                label="Gate target (0..1)"
                step={0.01}
                value={gate.target as number | undefined}
                onChange={(v) => update('gate', setKey(gate, 'target', v))}
              />
              <NumberField
                label="Gate tries"
                value={gate.maxTries as number | undefined}
                onChange={(v) => update('gate', setKey(gate, 'maxTries', v))}
              />
            </>
          )}
          <Toggle
            label="Human approval"
            on={approval !== undefined}
            onChange={(on) =>
              update('approval', on ? { when: 'after', prompt: 'Approve this output?' } : undefined)
            }
          />
          {approval && (
            <>
              <SelectField
                label="Approve"
                value={approval.when as string | undefined}
                options={['before', 'after']}
                onChange={(v) => update('approval', setKey(approval, 'when', v))}
              />
              <TextField
                label="Approval prompt"
                value={approval.prompt as string | undefined}
                onChange={(v) => update('approval', setKey(approval, 'prompt', v))}
              />
            </>
          )}
          <JsonField label="Simulated model (sim)" value={node.sim} onChange={(v) => update('sim', v)} />
        </>
      )}
    </section>
  );
};

/** The inspector form of one edge: label and a declarative condition. */
export const EdgeForm = ({ edge, issues }: { edge: EditorEdge; issues: Issue[] | undefined }) => {
  const change = useEditor((s) => s.change);
  const update = (key: string, v: unknown) => {
    const doc = useEditor.getState().doc;
    change({
      ...doc,
      edges: doc.edges.map((e) =>
        e.id === edge.id ? setKey(e as unknown as Obj, key, v) : e,
      ) as EditorEdge[],
    });
  };
  const c = edge.condition;
  return (
    <section aria-label="Edge settings" data-testid="edge-form">
      <h3>
        {edge.source} → {edge.target}
      </h3>
      <IssueList issues={issues} />
      <TextField label="Label" value={edge.label} onChange={(v) => update('label', v)} />
      <Toggle
        label="Only if a condition holds"
        on={c !== undefined}
        onChange={(on) => update('condition', on ? { path: '', op: 'truthy' } : undefined)}
      />
      {c && (
        <>
          <TextField
            label="Path in the source output (empty = whole)"
            value={c.path}
            onChange={(v) => update('condition', { ...c, path: v ?? '' })}
          />
          <SelectField
            label="Operator"
            value={c.op}
            options={['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists', 'truthy', 'falsy', 'contains']}
            onChange={(v) => update('condition', { ...c, op: v ?? 'truthy' })}
          />
          <JsonField
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
  const update = (key: string, v: unknown) => change(setKey(useEditor.getState().doc, key, v));
  return (
    <section aria-label="DAG settings">
      <h3>DAG</h3>
      <IssueList issues={issues.length ? issues : undefined} />
      <TextField label="Id" value={doc.id} onChange={(v) => update('id', v ?? '')} />
      <TextField label="Name" value={doc.name} onChange={(v) => update('name', v)} />
      <TextField
        label="Description"
        value={doc.description}
        onChange={(v) => update('description', v)}
        multiline
      />
      <JsonField label="Inputs ({{inputs.name}})" value={doc.inputs} onChange={(v) => update('inputs', v)} />
    </section>
  );
};
