import { useState } from 'react';
import { localTransport, remoteTransport, useConnection } from '../connection/store.ts';
import { hrefFor } from '../route.ts';
import { DagSection, type SortKey } from './dag-section.tsx';
import { VersionsPanel } from './versions-panel.tsx';

/**
 * Every saved DAG: the server's and this browser's side by side, searched and sorted together;
 * open, duplicate, delete, and a DAG's versions with what changed between them.
 */
export const LibraryPage = ({ where, dagId }: { where?: 'local' | 'remote'; dagId?: string }) => {
  const server = useConnection((s) => s.server);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortKey>('updated');
  const versionsOf =
    where && dagId ? (where === 'local' ? localTransport() : server && remoteTransport(server)) : undefined;
  return (
    <div className="lf-page lf-stack" data-testid="library">
      <div className="lf-row">
        <h1 className="lf-page-title">DAGs</h1>
        <input
          type="search"
          aria-label="Search DAGs"
          placeholder="Search by name or id"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="lf-row">
          <span className="lf-muted">Sort by</span>
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="updated">Last updated</option>
            <option value="name">Name</option>
          </select>
        </label>
        <span className="lf-spacer" />
        <a className="lf-button primary" href={hrefFor({ page: 'editor' })}>
          Go to the editor
        </a>
      </div>
      {server ? (
        <DagSection
          title={`On the server (${server.serverUrl.replace(/^https?:\/\//, '')})`}
          where="remote"
          transport={remoteTransport(server)}
          search={search}
          sort={sort}
        />
      ) : (
        <p className="lf-muted">
          Not connected to a server. <a href={hrefFor({ page: 'connect' })}>Connect</a> to see its DAGs too.
        </p>
      )}
      <DagSection
        title="In this browser"
        where="local"
        transport={localTransport()}
        search={search}
        sort={sort}
      />
      {where && dagId && versionsOf && <VersionsPanel where={where} dagId={dagId} transport={versionsOf} />}
    </div>
  );
};
