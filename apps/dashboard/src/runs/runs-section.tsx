import type { RunStatus } from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';
import { useApprovalInbox, useRuns } from '@laneflow/sdk/react';
import { useCallback, useRef, useState } from 'react';
import { navigate } from '../router.ts';
import { RunRow } from './run-row.tsx';

const PAGE = 100;

/** The runs of one transport (this browser, or the server), newest first. */
export const RunsSection = ({
  title,
  mode,
  transport,
  status,
}: {
  title: string;
  mode: 'local' | 'remote';
  transport: RunTransport;
  status: RunStatus | undefined;
}) => {
  const [limit, setLimit] = useState(PAGE);
  const q = useRuns(transport, { limit, ...(status && { status }) });
  // A running run with a pending approval is blocked on a person, which the list says.
  const pending = useApprovalInbox(transport);
  const waiting = new Set(pending.data?.map((a) => a.runId));
  // Two runs picked here open side by side; a third pick replaces the older one.
  const [picked, setPicked] = useState<string[]>([]);
  const pick = useCallback(
    (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2))),
    [],
  );
  // Keep showing the previous page while a new filter loads, instead of flashing "Loading…".
  const last = useRef(q.data);
  if (q.data) last.current = q.data;
  const data = q.data ?? last.current;
  const runs = data?.runs ?? [];
  return (
    <section aria-label={title} data-testid={`runs-${mode}`}>
      <div className="lf-row">
        <h2 className="lf-subhead">
          {title} <span className="lf-muted">({runs.length})</span>
        </h2>
        <button
          type="button"
          disabled={picked.length !== 2}
          title={picked.length === 2 ? undefined : 'Tick two runs to compare them'}
          onClick={() => navigate({ page: 'compare', mode, a: picked[0] as string, b: picked[1] as string })}
        >
          Compare {picked.length === 2 ? 'the two' : `(${picked.length}/2)`}
        </button>
      </div>
      {q.error ? (
        <p className="lf-error" role="alert">
          {(q.error as Error).message}
        </p>
      ) : !data ? (
        <p className="lf-muted">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="lf-muted">No runs{status ? ` with status ${status}` : ''}.</p>
      ) : (
        <table className="lf-table">
          <thead>
            <tr>
              <th>
                <span className="lf-sr-only">Compare</span>
              </th>
              <th>DAG</th>
              <th>Status</th>
              <th>Started</th>
              <th>Duration</th>
              <th>Cost</th>
              <th>Escalations</th>
              <th>Nodes</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <RunRow
                key={r.id}
                run={r}
                mode={mode}
                awaiting={waiting.has(r.id)}
                picked={picked.includes(r.id)}
                onPick={pick}
              />
            ))}
          </tbody>
        </table>
      )}
      {data?.nextCursor && limit < 500 && (
        <button type="button" onClick={() => setLimit(Math.min(500, limit + PAGE))}>
          Show more
        </button>
      )}
    </section>
  );
};
