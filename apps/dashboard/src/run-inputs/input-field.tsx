import type { RunInputField } from '@laneflow/core';
import { useId } from 'react';

/** One input of a run: a control for its type, its description, and what is wrong with it. */
export const InputField = ({
  name,
  field,
  required,
  text,
  problem,
  onChange,
}: {
  name: string;
  field: RunInputField;
  required: boolean;
  text: string;
  problem: string | undefined;
  onChange: (text: string) => void;
}) => {
  const id = useId();
  const help = field.description ? `${id}-help` : undefined;
  const error = problem ? `${id}-error` : undefined;
  const common = {
    id,
    name,
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': [help, error].filter(Boolean).join(' ') || undefined,
    'aria-required': required || undefined,
  };
  const control =
    field.type === 'boolean' ? (
      <input
        {...common}
        type="checkbox"
        checked={text === 'true'}
        onChange={(e) => onChange(String(e.target.checked))}
      />
    ) : field.enum ? (
      <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
        {(!required || text === '') && <option value="">{required ? '(choose)' : '(none)'}</option>}
        {field.enum.map((v) => (
          <option key={String(v)} value={String(v)}>
            {String(v)}
          </option>
        ))}
      </select>
    ) : field.type === 'array' || field.type === 'object' ? (
      <textarea {...common} rows={4} value={text} onChange={(e) => onChange(e.target.value)} />
    ) : (
      <input
        {...common}
        type="text"
        inputMode={field.type === 'string' ? undefined : 'decimal'}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  return (
    <div style={{ display: 'grid', gap: 4, marginBottom: 12 }}>
      <label htmlFor={id}>
        {field.title ?? name}
        {required && <span aria-hidden="true"> *</span>}
        {field.type !== 'string' && (
          <span className="lf-muted"> ({field.type === 'integer' ? 'whole number' : field.type})</span>
        )}
      </label>
      {control}
      {help && (
        <small id={help} className="lf-muted">
          {field.description}
        </small>
      )}
      {error && (
        <small id={error} className="lf-error" role="alert">
          {problem}
        </small>
      )}
    </div>
  );
};
