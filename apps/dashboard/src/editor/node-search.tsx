import { useMemo, useState } from 'react';
import type { EditorDoc } from './doc.ts';

const MAX = 20;

/**
 * Jump to a node by id or label (Ctrl+K): type to filter, arrows to choose, Enter to go, Escape to
 * close. A large DAG is found by name, not by panning.
 */
export const NodeSearch = ({
  doc,
  onPick,
  onClose,
}: {
  doc: EditorDoc;
  onPick: (id: string) => void;
  onClose: () => void;
}) => {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const out: Array<{ id: string; label: string }> = [];
    for (const n of doc.nodes) {
      const label = typeof n.label === 'string' ? n.label : '';
      if (!needle || n.id.toLowerCase().includes(needle) || label.toLowerCase().includes(needle))
        out.push({ id: n.id, label });
      if (out.length === MAX) break;
    }
    return out;
  }, [doc, q]);
  const pick = (i: number) => {
    const m = matches[i];
    if (m) onPick(m.id);
  };
  return (
    <div className="lf-modal-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="lf-modal lf-search" role="dialog" aria-modal="true" aria-label="Find a node">
        <input
          // biome-ignore lint/a11y/noAutofocus: the dialog exists to type into.
          autoFocus
          aria-controls="lf-search-list"
          aria-label="Find a node by id or label"
          placeholder="Find a node by id or label"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter') pick(active);
            else if (e.key === 'Escape') onClose();
            else return;
            e.preventDefault();
          }}
        />
        <ul id="lf-search-list" aria-label="Matching nodes">
          {matches.map((m, i) => (
            <li key={m.id}>
              <button
                type="button"
                className={i === active ? 'active' : undefined}
                aria-current={i === active ? 'true' : undefined}
                onClick={() => pick(i)}
              >
                <strong>{m.label || m.id}</strong> {m.label && m.label !== m.id && <code>{m.id}</code>}
              </button>
            </li>
          ))}
          {matches.length === 0 && <li className="lf-muted">No node matches “{q}”.</li>}
        </ul>
      </div>
    </div>
  );
};
