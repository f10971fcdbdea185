import { type DagSpec, type Issue, type Json, resolveRunInputs } from '@laneflow/core';
import { useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { fromText, toText } from './field-value.ts';
import { InputField } from './input-field.tsx';
import { lastInputs, rememberInputs } from './last-inputs.ts';

interface Asked {
  dag: DagSpec;
  /** "Run" or "Re-run": the dialog's title and button. */
  verb: string;
  /** What to offer first: a Re-run's own run's inputs. */
  prefill?: Record<string, Json>;
  resolve: (inputs: Record<string, Json> | undefined) => void;
}

const useAsked = create<{ asked: Asked | undefined }>(() => ({ asked: undefined }));

/**
 * The inputs to start `dag` with. A DAG that declares an input schema gets a form (prefilled from
 * `prefill` — a Re-run's run — else the last run of it in this browser, else the defaults), checked as the engine and the server check it;
 * undefined when the user cancels. A DAG without a schema starts at once with no inputs, as before.
 */
export const askRunInputs = (
  dag: DagSpec,
  verb = 'Run',
  prefill?: Record<string, Json>,
): Promise<Record<string, Json> | undefined> => {
  if (!dag.inputSchema || Object.keys(dag.inputSchema.properties).length === 0) return Promise.resolve({});
  return new Promise((resolve) => {
    useAsked.getState().asked?.resolve(undefined);
    useAsked.setState({ asked: { dag, verb, resolve, ...(prefill && { prefill }) } });
  });
};

/** Remembers what a run was started with, once it has started, for the next dialog's prefill. */
export const ranWith = (dag: DagSpec, inputs: Record<string, Json>): void => {
  if (dag.inputSchema) rememberInputs(dag.id, inputs);
};

const close = (inputs: Record<string, Json> | undefined) => {
  const { asked } = useAsked.getState();
  useAsked.setState({ asked: undefined });
  asked?.resolve(inputs);
};

const Form = ({ asked }: { asked: Asked }) => {
  const { dag, verb } = asked;
  const schema = dag.inputSchema;
  // Required inputs first: a stored DAG's properties keep no author order to follow.
  const required = new Set(schema?.required);
  const fields = Object.entries(schema?.properties ?? {}).sort(
    ([a], [b]) => Number(required.has(b)) - Number(required.has(a)),
  );
  const [texts, setTexts] = useState<Record<string, string>>(() => {
    const last = asked.prefill ?? lastInputs(dag.id) ?? {};
    return Object.fromEntries(
      fields.map(([name, f]) => [name, toText(f, last[name] ?? f.default ?? dag.inputs?.[name])]),
    );
  });
  const [issues, setIssues] = useState<Issue[]>([]);
  const first = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    first.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    return () => back?.focus?.();
  }, []);

  const submit = () => {
    const given: Record<string, Json> = {};
    for (const [name, f] of fields) {
      const v = fromText(f, texts[name] ?? '');
      if (v !== undefined) given[name] = v;
    }
    const r = resolveRunInputs(dag, given);
    if (!r.ok) return setIssues(r.issues);
    close(given);
  };

  return (
    <form
      ref={first}
      className="lf-modal lf-inputs-form"
      aria-labelledby="lf-inputs-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close(undefined);
        }
      }}
    >
      <h2 id="lf-inputs-title">
        {verb} {dag.name ?? dag.id}
      </h2>
      {fields.map(([name, field]) => (
        <InputField
          key={name}
          name={name}
          field={field}
          required={required.has(name)}
          text={texts[name] ?? ''}
          problem={issues.find((i) => i.path === `inputs.${name}`)?.message}
          onChange={(text) => {
            setTexts((t) => ({ ...t, [name]: text }));
            setIssues((all) => all.filter((i) => i.path !== `inputs.${name}`));
          }}
        />
      ))}
      <div className="lf-modal-actions">
        <button type="button" onClick={() => close(undefined)}>
          Cancel
        </button>
        <button type="submit" className="primary" data-testid="inputs-run">
          {verb}
        </button>
      </div>
    </form>
  );
};

/** Where the run inputs form is shown; mounted once by the app. */
export const RunInputsHost = () => {
  const asked = useAsked((s) => s.asked);
  if (!asked) return null;
  return (
    <div className="lf-modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="lf-inputs-title">
      <Form key={asked.dag.id} asked={asked} />
    </div>
  );
};
