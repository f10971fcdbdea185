import { type RunStatus, RunStatusSchema } from '@laneflow/core';
import { useState } from 'react';
import { localTransport, remoteTransport, useConnection } from '../connection/store.ts';
import { RunsSection } from './runs-section.tsx';

/** Runs in this browser and, when signed in, on the server; filter by status, click to open. */
export const RunsPage = () => {
  const server = useConnection((s) => s.server);
  const [status, setStatus] = useState<RunStatus>();
  return (
    <div className="lf-page lf-stack">
      <div className="lf-row">
        <h1 className="lf-page-title">Runs</h1>
        <select
          aria-label="Status"
          value={status ?? ''}
          onChange={(e) => setStatus((e.target.value || undefined) as RunStatus | undefined)}
        >
          <option value="">All statuses</option>
          {RunStatusSchema.options.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <RunsSection title="In this browser" mode="local" transport={localTransport()} status={status} />
      {server ? (
        <RunsSection
          title={`On the server (${server.serverUrl.replace(/^https?:\/\//, '')})`}
          mode="remote"
          transport={remoteTransport(server)}
          status={status}
        />
      ) : (
        <p className="lf-muted">
          Not connected to a server. <a href="#/connect">Connect</a> to see its runs too.
        </p>
      )}
    </div>
  );
};
