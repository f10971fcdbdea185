import { useEffect, useId, useState } from 'react';
import { useEditor } from './store.ts';

interface FieldProps<T> {
  label: string;
  value: T | undefined;
  onChange: (v: T | undefined) => void;
  /** The field's key in the document; a clicked problem focuses the field through it. */
  field?: string;
}

const row = { display: 'grid', gap: 2, marginBottom: 8 } as const;

// Typing in a field is one undo step until the field loses focus.
const endTyping = () => useEditor.getState().endTyping();

export const TextField = ({
  label,
  value,
  onChange,
  multiline,
  field,
}: FieldProps<string> & { multiline?: boolean }) => {
  const set = (v: string) => onChange(v === '' ? undefined : v);
  return multiline ? (
    <label style={row}>
      <span className="lf-muted">{label}</span>
      <textarea
        rows={4}
        value={value ?? ''}
        data-field={field}
        onChange={(e) => set(e.target.value)}
        onBlur={endTyping}
      />
    </label>
  ) : (
    <label style={row}>
      <span className="lf-muted">{label}</span>
      <input
        value={value ?? ''}
        data-field={field}
        onChange={(e) => set(e.target.value)}
        onBlur={endTyping}
      />
    </label>
  );
};

/**
 * A text edited as a draft and committed on Enter or when the field loses focus (Escape reverts):
 * for values like ids, where every intermediate keystroke would be a different, maybe clashing, name.
 * `problem` says why a draft cannot be committed; the draft stays, with the reason under it.
 */
export const CommitField = ({
  label,
  value,
  onCommit,
  problem,
  field,
}: {
  label: string;
  value: string;
  onCommit: (v: string) => void;
  problem: (v: string) => string | undefined;
  field?: string;
}) => {
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<string>();
  const errorId = useId();
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    const next = draft.trim();
    const why = problem(next);
    setError(why);
    if (!why && next !== value) onCommit(next);
  };
  return (
    <label style={row}>
      <span className="lf-muted">{label}</span>
      <input
        value={draft}
        data-field={field}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          if (error) setError(undefined);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          } else if (e.key === 'Escape') {
            setDraft(value);
            setError(undefined);
          }
        }}
        onBlur={commit}
      />
      {error && (
        <span className="lf-error" id={errorId} role="alert">
          {error}
        </span>
      )}
    </label>
  );
};

export const NumberField = ({
  label,
  value,
  onChange,
  step,
  field,
}: FieldProps<number> & { step?: number }) => (
  <label style={row}>
    <span className="lf-muted">{label}</span>
    <input
      type="number"
      step={step ?? 1}
      value={value ?? ''}
      data-field={field}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      onBlur={endTyping}
    />
  </label>
);

export const SelectField = ({
  label,
  value,
  onChange,
  options,
  field,
}: FieldProps<string> & { options: string[] }) => (
  <label style={row}>
    <span className="lf-muted">{label}</span>
    <select
      value={value ?? ''}
      data-field={field}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
    >
      <option value="">—</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  </label>
);

/** A JSON value edited as text; applied only when it parses, otherwise the parse error is shown. */
export const JsonField = ({ label, value, onChange, field }: FieldProps<unknown>) => {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string>();
  useEffect(() => {
    setText((t) => {
      try {
        if (t.trim() !== '' && JSON.stringify(JSON.parse(t)) === JSON.stringify(value)) return t;
      } catch {
        return t;
      }
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    });
  }, [value]);
  return (
    <label style={row}>
      <span className="lf-muted">{label}</span>
      <textarea
        rows={5}
        spellCheck={false}
        style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12 }}
        value={text}
        data-field={field}
        onBlur={endTyping}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setError(undefined);
            return onChange(undefined);
          }
          try {
            onChange(JSON.parse(e.target.value));
            setError(undefined);
          } catch (err) {
            setError(`Not valid JSON yet: ${(err as Error).message}`);
          }
        }}
      />
      {error && <span className="lf-error">{error}</span>}
    </label>
  );
};

export const Toggle = ({
  label,
  on,
  onChange,
  field,
}: {
  label: string;
  on: boolean;
  onChange: (on: boolean) => void;
  field?: string;
}) => (
  <label style={{ display: 'flex', gap: 6, alignItems: 'center', marginBottom: 8 }}>
    <input type="checkbox" checked={on} data-field={field} onChange={(e) => onChange(e.target.checked)} />
    {label}
  </label>
);
