import type { DagVersionSummary } from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useConnection } from '../connection/store.ts';
import { hrefFor } from '../route.ts';
import { confirmAction } from '../ui/confirm.tsx';
import { diffDags } from './dag-diff.ts';
import { DiffView } from './diff-view.tsx';
import { formatTime } from './format-time.ts';

/** What one version changed against the one before it. */
const Changes = ({
  transport,
  dagId,
  version,
}: {
  transport: RunTransport;
  dagId: string;
  version: number;
}) => {
  const pair = useQuery({
    queryKey: ['library', 'diff', dagId, version],
    queryFn: async () => {
      const [before, after] = await Promise.all([
        transport.getDagVersion(dagId, version - 1),
        transport.getDagVersion(dagId, version),
      ]);
      return diffDags(before.spec, after.spec);
    },
  });
  if (pair.error) return <p className="lf-error">{(pair.error as Error).message}</p>;
  return pair.data ? <DiffView diff={pair.data} /> : <p className="lf-muted">Comparing…</p>;
};

/** A DAG's saved versions, newest first: what each changed, open one, or restore it as the newest. */
export const VersionsPanel = ({
  where,
  dagId,
  transport,
}: {
  where: 'local' | 'remote';
  dagId: string;
  transport: RunTransport;
}) => {
  const client = useQueryClient();
  const setTarget = useConnection((s) => s.setTarget);
  const [open, setOpen] = useState<number>();
  const [note, setNote] = useState<{ ok: boolean; text: string }>();
  const versions = useQuery({
    queryKey: ['library', where, 'versions', dagId],
    queryFn: () => transport.dagVersions(dagId),
  });
  const list = versions.data ?? [];
  const latest = list[0]?.version;
  const has = (v: number) => list.some((x) => x.version === v);

  const restore = async (v: DagVersionSummary) => {
    const ok = await confirmAction({
      title: `Restore version ${v.version}?`,
      message: `Version ${v.version} of ${dagId} is saved again as the newest version. Later versions stay in the history.`,
      confirm: 'Restore',
    });
    if (!ok) return;
    try {
      const { version: _, ...spec } = (await transport.getDagVersion(dagId, v.version)).spec;
      const saved = await transport.saveDag(spec);
      setNote({ ok: true, text: `Restored version ${v.version} as version ${saved.version}.` });
      await client.invalidateQueries({ queryKey: ['library', where] });
    } catch (err) {
      setNote({ ok: false, text: `Could not restore: ${(err as Error).message}` });
    }
  };

  return (
    <section aria-labelledby="versions-title" className="lf-card" data-testid="versions">
      <h2 id="versions-title" className="lf-section-title">
        Versions of <code>{dagId}</code> {where === 'local' ? 'in this browser' : 'on the server'}
      </h2>
      {where === 'local' && <p className="lf-muted">This browser keeps only the latest version of a DAG.</p>}
      {note && (
        <p className={note.ok ? 'lf-note' : 'lf-error'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
      {versions.error ? (
        <p className="lf-error" role="alert">
          {(versions.error as Error).message}
        </p>
      ) : !versions.data ? (
        <p className="lf-muted">Loading…</p>
      ) : (
        <ol className="lf-versions">
          {list.map((v) => (
            <li key={v.version} data-testid={`version-${v.version}`}>
              <div className="lf-row">
                <strong>v{v.version}</strong>
                {v.version === latest && <span className="lf-chip">latest</span>}
                <span>{v.name ?? dagId}</span>
                <span className="lf-muted">
                  {formatTime(v.updatedAt)} · {v.nodes} nodes · {v.edges} edges
                </span>
                <span className="lf-spacer" />
                {has(v.version - 1) && (
                  <button
                    type="button"
                    aria-expanded={open === v.version}
                    onClick={() => setOpen(open === v.version ? undefined : v.version)}
                  >
                    Changes from v{v.version - 1}
                  </button>
                )}
                <a
                  className="lf-button"
                  href={hrefFor({ page: 'editor', dagId, version: v.version })}
                  onClick={() => setTarget(where)}
                >
                  Open v{v.version}
                </a>
                {v.version !== latest && (
                  <button type="button" onClick={() => restore(v)}>
                    Restore v{v.version}
                  </button>
                )}
              </div>
              {open === v.version && <Changes transport={transport} dagId={dagId} version={v.version} />}
            </li>
          ))}
        </ol>
      )}
      <p>
        <a href={hrefFor({ page: 'dags' })}>Close versions</a>
      </p>
    </section>
  );
};
