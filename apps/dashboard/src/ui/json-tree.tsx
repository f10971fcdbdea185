import { memo, useState } from 'react';

const PAGE = 100;

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] =>
  typeof v === 'object' && v !== null;

const Primitive = ({ value }: { value: unknown }) => {
  if (typeof value === 'string') return <span className="lf-json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number' || typeof value === 'boolean')
    return <span className="lf-json-literal">{String(value)}</span>;
  return <span className="lf-json-literal">{value === null ? 'null' : 'undefined'}</span>;
};

interface NodeProps {
  name: string | undefined;
  value: unknown;
  depth: number;
  expandDepth: number;
}

/** One key/value; containers fold with a disclosure button (Enter/Space), and long ones page by 100. */
const JsonNode = memo(({ name, value, depth, expandDepth }: NodeProps) => {
  const [open, setOpen] = useState(depth < expandDepth);
  const [limit, setLimit] = useState(PAGE);
  const key = name === undefined ? null : <span className="lf-json-key">{name}: </span>;
  if (!isContainer(value))
    return (
      <li className="lf-json-leaf">
        {key}
        <Primitive value={value} />
      </li>
    );
  const isArray = Array.isArray(value);
  const entries: Array<[string, unknown]> = isArray
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  const summary = isArray ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <li>
      <button
        type="button"
        className="lf-json-toggle"
        aria-expanded={open}
        aria-label={`${open ? 'Collapse' : 'Expand'} ${name ?? 'value'}`}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
        {key}
        <span className="lf-muted">{summary}</span>
      </button>
      {open && (
        <ul className="lf-json-group">
          {entries.slice(0, limit).map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} expandDepth={expandDepth} />
          ))}
          {entries.length > limit && (
            <li>
              <button type="button" className="lf-json-toggle" onClick={() => setLimit(limit + PAGE)}>
                Show {Math.min(PAGE, entries.length - limit)} more of {entries.length - limit}
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
});
JsonNode.displayName = 'JsonNode';

/**
 * A collapsible JSON tree. Every key and value is rendered as text (React escapes it), never as HTML,
 * so untrusted outputs and payloads are safe to show.
 */
export const JsonTree = ({
  value,
  label,
  expandDepth = 1,
}: {
  value: unknown;
  label?: string;
  /** Levels open at first (0 = everything folded). */
  expandDepth?: number;
}) => (
  <ul aria-label={label ?? 'JSON'} className="lf-json" data-testid="json-tree">
    <JsonNode name={label} value={value} depth={0} expandDepth={expandDepth} />
  </ul>
);
