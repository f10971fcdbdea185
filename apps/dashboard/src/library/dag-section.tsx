import type { DagSummary, RunStatus } from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useConnection } from '../connection/store.ts';
import { deleteDraft } from '../editor/drafts.ts';
import { hrefFor } from '../route.ts';
import { RunStatusChip } from '../runs/run-status-chip.tsx';
import { confirmAction } from '../ui/confirm.tsx';
import { formatTime } from './format-time.ts';

export type SortKey = 'name' | 'updated';

const nameOf = (d: DagSummary) => d.name ?? d.id;

/** The first `<id>-copy`, `<id>-copy-2`… that is not taken. */
const copyId = (id: string, taken: ReadonlySet<string>): string => {
  for (let i = 1; ; i++) {
    const candidate = `${id}-copy${i === 1 ? '' : `-${i}`}`.slice(0, 128);
    if (!taken.has(candidate)) return candidate;
  }
};

/** The DAGs of one store with their last run's status; search, sort and the row actions. */
export const DagSection = ({
  title,
  where,
  transport,
  search,
  sort,
}: {
  title: string;
  where: 'local' | 'remote';
  transport: RunTransport;
  search: string;
  sort: SortKey;
}) => {
  const client = useQueryClient();
  const setTarget = useConnection((s) => s.setTarget);
  const [note, setNote] = useState<{ ok: boolean; text: string }>();
  const dags = useQuery({ queryKey: ['library', where, 'dags'], queryFn: () => transport.listDags() });
  const runs = useQuery({
    queryKey: ['library', where, 'runs'],
    queryFn: () => transport.listRuns({ limit: 500 }),
  });
  // Runs come newest first: the first one seen for a DAG is its last.
  const lastRun = useMemo(() => {
    const m = new Map<string, RunStatus>();
    for (const r of runs.data?.runs ?? []) if (r.dagId && !m.has(r.dagId)) m.set(r.dagId, r.status);
    return m;
  }, [runs.data]);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    const list = (dags.data ?? []).filter(
      (d) => !q || d.id.toLowerCase().includes(q) || nameOf(d).toLowerCase().includes(q),
    );
    return list.sort((a, b) =>
      sort === 'name' ? nameOf(a).localeCompare(nameOf(b)) : b.updatedAt.localeCompare(a.updatedAt),
    );
  }, [dags.data, search, sort]);
  const refresh = () => client.invalidateQueries({ queryKey: ['library', where] });

  const duplicate = async (d: DagSummary) => {
    try {
      const rec = await transport.getDag(d.id);
      const id = copyId(d.id, new Set((dags.data ?? []).map((x) => x.id)));
      const { version: _, ...spec } = rec.spec;
      const copy = await transport.saveDag({ ...spec, id, name: `${nameOf(d)} (copy)` });
      setNote({ ok: true, text: `Duplicated “${nameOf(d)}” as ${copy.id}.` });
      await refresh();
    } catch (err) {
      setNote({ ok: false, text: `Could not duplicate ${d.id}: ${(err as Error).message}` });
    }
  };
  const remove = async (d: DagSummary) => {
    const ok = await confirmAction({
      title: `Delete “${nameOf(d)}”?`,
      message: `The DAG ${d.id} and its ${d.version} version${d.version > 1 ? 's' : ''} leave ${where === 'local' ? 'this browser' : 'the server'}. Runs that used it keep their copy.`,
      confirm: 'Delete DAG',
    });
    if (!ok) return;
    try {
      await transport.deleteDag(d.id);
      await deleteDraft(d.id).catch(() => {});
      setNote({ ok: true, text: `Deleted ${d.id}.` });
      await refresh();
    } catch (err) {
      setNote({ ok: false, text: `Could not delete ${d.id}: ${(err as Error).message}` });
    }
  };

  return (
    <section aria-label={title} data-testid={`dags-${where}`}>
      <h2 className="lf-section-title">
        {title} <span className="lf-muted">({shown.length})</span>
      </h2>
      {note && (
        <p className={note.ok ? 'lf-note' : 'lf-error'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
      {dags.error ? (
        <p className="lf-error" role="alert">
          {(dags.error as Error).message}
        </p>
      ) : !dags.data ? (
        <p className="lf-muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="lf-muted">
          {search ? `No DAG matches “${search}”.` : 'No DAGs saved here yet. Save one from the editor.'}
        </p>
      ) : (
        <table className="lf-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Nodes</th>
              <th>Version</th>
              <th>Updated</th>
              <th>Last run</th>
              <th>
                <span className="lf-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((d) => {
              const status = lastRun.get(d.id);
              return (
                <tr key={d.id} data-testid={`dag-row-${d.id}`}>
                  <td>
                    <a
                      href={hrefFor({ page: 'editor', dagId: d.id })}
                      onClick={() => setTarget(where)}
                      aria-label={`Open ${nameOf(d)}`}
                    >
                      {nameOf(d)}
                    </a>
                  </td>
                  <td>
                    <code>{d.id}</code>
                  </td>
                  <td>{d.nodes}</td>
                  <td>v{d.version}</td>
                  <td>{formatTime(d.updatedAt)}</td>
                  <td>
                    {status ? <RunStatusChip status={status} /> : <span className="lf-muted">never run</span>}
                  </td>
                  <td className="lf-actions">
                    <a className="lf-button" href={hrefFor({ page: 'dags', where, dagId: d.id })}>
                      Versions<span className="lf-sr-only"> of {nameOf(d)}</span>
                    </a>
                    <a className="lf-button" href={hrefFor({ page: 'economics', where, dagId: d.id })}>
                      Economics<span className="lf-sr-only"> of {nameOf(d)}</span>
                    </a>
                    <button type="button" onClick={() => duplicate(d)}>
                      Duplicate<span className="lf-sr-only"> {nameOf(d)}</span>
                    </button>
                    <button type="button" className="danger" onClick={() => remove(d)}>
                      Delete<span className="lf-sr-only"> {nameOf(d)}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
};
