import type { defaultLadder, TierRef } from '@laneflow/core';
import { useEditor } from './store.ts';
import { useDefaultLadder } from './use-default-ladder.ts';

/**
 * A node's tier, chosen from the ladder its runs will use: the DAG's own ladder, else the signed-in
 * server's (`GET /api/ladder`) when runs go there, else the browser engine's default one, so a typo
 * can no longer pass the editor and be refused at Run. A value that names no rung stays shown, marked.
 */
export const TierField = ({
  label,
  field,
  value,
  onChange,
}: {
  label: string;
  field: string;
  value: TierRef | undefined;
  onChange: (v: TierRef | undefined) => void;
}) => {
  const own = useEditor((s) =>
    Array.isArray(s.doc.ladder) ? (s.doc.ladder as typeof defaultLadder) : undefined,
  );
  const fallback = useDefaultLadder();
  const ladder = own ?? fallback;
  const names = ladder.map((t) => t.name);
  const known =
    value === undefined || (typeof value === 'number' ? value < ladder.length : names.includes(value));
  const current =
    value === undefined ? '' : typeof value === 'number' ? (names[value] ?? String(value)) : value;
  return (
    <label style={{ display: 'grid', gap: 2, marginBottom: 8 }}>
      <span className="lf-muted">{label}</span>
      <select
        data-field={field}
        value={current}
        aria-invalid={known ? undefined : true}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        <option value="">— (the run's default)</option>
        {names.map((name, i) => (
          <option key={name} value={name}>
            {i} · {name}
          </option>
        ))}
        {!known && <option value={current}>{current} (not in the ladder)</option>}
      </select>
    </label>
  );
};
