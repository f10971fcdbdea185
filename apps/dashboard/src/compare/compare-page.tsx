import type { RunTransport } from '@laneflow/sdk';
import { useQuery } from '@tanstack/react-query';
import { useTransport } from '../connection/store.ts';
import { hrefFor } from '../route.ts';
import { formatMs, formatUsd } from '../ui/format.ts';
import { type CompareRow, compareRows, type NodeSide } from './compare-rows.ts';
import { lineDiff } from './line-diff.ts';

const Side = ({ side }: { side: NodeSide | undefined }) =>
  side ? (
    <>
      <td data-lane={side.lane}>{side.lane.replace('_', ' ')}</td>
      <td>{side.tier}</td>
      <td>{formatUsd(side.costUsd)}</td>
      <td>{side.elapsedMs === undefined ? '—' : formatMs(side.elapsedMs)}</td>
    </>
  ) : (
    <td colSpan={4} className="lf-muted">
      not in this run
    </td>
  );

/** The two outputs as a line diff: removed lines (first run) and added lines (second run) marked. */
const OutputDiff = ({ row }: { row: CompareRow }) => {
  const a = row.a?.output ?? '';
  const b = row.b?.output ?? '';
  if (a === b) return <span className="lf-muted">{a === '' ? 'no output' : 'same output'}</span>;
  const lines = lineDiff(a, b);
  if (!lines)
    return (
      <div className="lf-row">
        <pre className="lf-output">{a}</pre>
        <pre className="lf-output">{b}</pre>
      </div>
    );
  return (
    <pre className="lf-output" data-testid={`diff-${row.id}`}>
      {lines.map((l, i) => (
        // Lines have no identity of their own; their place in the diff is it.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div key={i} className={l.op === 'same' ? '' : l.op === 'added' ? 'lf-line-add' : 'lf-line-remove'}>
          {l.op === 'same' ? '  ' : l.op === 'added' ? '+ ' : '- '}
          {l.line}
        </div>
      ))}
    </pre>
  );
};

const Compare = ({
  transport,
  mode,
  a,
  b,
}: {
  transport: RunTransport;
  mode: 'local' | 'remote';
  a: string;
  b: string;
}) => {
  const snapA = useQuery({ queryKey: ['laneflow-run', mode, a], queryFn: () => transport.getRun(a) });
  const snapB = useQuery({ queryKey: ['laneflow-run', mode, b], queryFn: () => transport.getRun(b) });
  // A node's tier is an index into its run's ladder, which the run's first signal names.
  const tiers = (runId: string) => async () => {
    const [first] = await transport.signals(runId, 0, 1);
    return first?.type === 'run.started' ? first.ladder.map((t) => t.name) : [];
  };
  const tiersA = useQuery({ queryKey: ['laneflow-run-tiers', mode, a], queryFn: tiers(a) });
  const tiersB = useQuery({ queryKey: ['laneflow-run-tiers', mode, b], queryFn: tiers(b) });
  const error = snapA.error ?? snapB.error;
  if (error) return <p className="lf-error lf-page">{(error as Error).message}</p>;
  if (!snapA.data || !snapB.data) return <p className="lf-page lf-muted">Loading runs…</p>;
  const rows = compareRows(snapA.data, snapB.data, tiersA.data ?? [], tiersB.data ?? []);
  const name = (s: typeof snapA.data) => s.dag.name ?? s.dag.id;
  const head = (id: string, s: typeof snapA.data) => (
    <th colSpan={4}>
      <a href={hrefFor({ page: 'run', mode, runId: id })}>{name(s)}</a>{' '}
      <span className="lf-muted">
        {s.run.status} · {new Date(s.run.createdAt).toLocaleString()} · {formatUsd(s.run.costUsd)}
      </span>
    </th>
  );
  return (
    <div className="lf-page lf-stack">
      <h1 className="lf-page-title">Compare runs</h1>
      {snapA.data.run.dagId !== snapB.data.run.dagId && (
        <p className="lf-error" role="alert">
          These runs are of different DAGs: nodes are matched by id.
        </p>
      )}
      <table className="lf-table" data-testid="compare">
        <thead>
          <tr>
            <th rowSpan={2}>Node</th>
            {head(a, snapA.data)}
            {head(b, snapB.data)}
            <th rowSpan={2}>Output</th>
          </tr>
          <tr>
            {['Lane', 'Tier', 'Cost', 'Duration', 'Lane', 'Tier', 'Cost', 'Duration'].map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the two runs' columns repeat their names
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid={`compare-${r.id}`}>
              <td>
                {r.label}
                {r.label !== r.id && <div className="lf-muted lf-small">{r.id}</div>}
              </td>
              <Side side={r.a} />
              <Side side={r.b} />
              <td>
                <OutputDiff row={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

/** Two runs of a DAG side by side: per node lane, tier, cost, duration, and how the outputs differ. */
export const ComparePage = ({ mode, a, b }: { mode: 'local' | 'remote'; a: string; b: string }) => {
  const transport = useTransport(mode);
  if (!transport) return <p className="lf-page lf-error">Connect to a server to compare its runs.</p>;
  return <Compare transport={transport} mode={mode} a={a} b={b} />;
};
