import { useEffect, useState } from 'react';

interface FieldProps<T> {
  label: string;
  value: T | undefined;
  onChange: (v: T | undefined) => void;
}

const row = { display: 'grid', gap: 2, marginBottom: 8 } as const;

export const TextField = ({
  label,
  value,
  onChange,
  multiline,
}: FieldProps<string> & { multiline?: boolean }) => {
  const set = (v: string) => onChange(v === '' ? undefined : v);
  return multiline ? (
    <label style={row}>
      <span className="lf-muted">{label}</span>
      <textarea rows={4} value={value ?? ''} onChange={(e) => set(e.target.value)} />
    </label>
  ) : (
    <label style={row}>
      <span className="lf-muted">{label}</span>
      <input value={value ?? ''} onChange={(e) => set(e.target.value)} />
    </label>
  );
};

export const NumberField = ({ label, value, onChange, step }: FieldProps<number> & { step?: number }) => (
  <label style={row}>
    <span className="lf-muted">{label}</span>
    <input
      type="number"
      step={step ?? 1}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
    />
  </label>
);

export const SelectField = ({
  label,
  value,
  onChange,
  options,
}: FieldProps<string> & { options: string[] }) => (
  <label style={row}>
    <span className="lf-muted">{label}</span>
    <select
      value={value ?? ''}
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
export const JsonField = ({ label, value, onChange }: FieldProps<unknown>) => {
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
            setError((err as Error).message);
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
}: {
  label: string;
  on: boolean;
  onChange: (on: boolean) => void;
}) => (
  <label style={{ display: 'flex', gap: 6, alignItems: 'center', marginBottom: 8 }}>
    <input type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked)} />
    {label}
  </label>
);
