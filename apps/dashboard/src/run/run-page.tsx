import type { RunTransport } from '@laneflow/sdk';
import { useCancelRun, useRun, useStartRun } from '@laneflow/sdk/react';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTransport } from '../connection/store.ts';
import { Inspector } from '../inspector/inspector.tsx';
import { navigate } from '../router.ts';
import { Timeline } from '../timeline/timeline.tsx';
import { CostPanel } from './cost-panel.tsx';
import { Legend } from './legend.tsx';
import { RunContext } from './run-context.ts';
import { RunGraph } from './run-graph.tsx';
import { StreamBadge } from './stream-badge.tsx';

const LiveRun = ({
  transport,
  mode,
  runId,
}: {
  transport: RunTransport;
  mode: 'local' | 'remote';
  runId: string;
}) => {
  const snapshot = useQuery({
    queryKey: ['laneflow-run', mode, runId],
    queryFn: () => transport.getRun(runId),
  });
  const live = useRun(transport, runId);
  const cancel = useCancelRun(transport);
  const rerun = useStartRun(transport);
  const ctx = useMemo(() => ({ transport, runId, readOnly: false }), [transport, runId]);
  if (snapshot.error) return <p className="lf-error lf-page">{(snapshot.error as Error).message}</p>;
  if (!snapshot.data) return <p className="lf-page lf-muted">Loading run…</p>;
  const { view } = live;
  const dag = snapshot.data.dag;
  const ended = view.status === 'succeeded' || view.status === 'failed' || view.status === 'cancelled';
  return (
    <RunContext.Provider value={ctx}>
      <div className="lf-run">
        <div className="lf-run-bar">
          <strong>{dag.name ?? dag.id}</strong>
          <span className="lf-chip" data-testid="run-status" data-status={view.status}>
            {view.status}
          </span>
          <span className="lf-chip">{mode === 'local' ? 'in this browser' : 'on the server'}</span>
          <StreamBadge state={live.state} lastEventAt={live.lastEventAt} ended={ended} />
          <Legend counts={view.counts} />
          <span className="lf-spacer" />
          <button type="button" disabled={ended || cancel.isPending} onClick={() => cancel.mutate({ runId })}>
            Cancel
          </button>
          <button
            type="button"
            onClick={async () => {
              const r = await rerun.mutateAsync({ dag });
              navigate({ page: 'run', mode, runId: r.runId });
            }}
          >
            Re-run
          </button>
          {live.error && <span className="lf-error">{live.error.message}</span>}
        </div>
        <div className="lf-run-graph">
          <RunGraph dag={dag} view={view} rev={live.rev} />
        </div>
        <aside className="lf-side">
          <Inspector dag={dag} view={view} signals={live.signals} />
          <CostPanel view={view} />
        </aside>
        <div className="lf-bottom">
          <Timeline view={view} signals={live.signals} />
        </div>
      </div>
    </RunContext.Provider>
  );
};

/** A run, live or finished, in the browser or on the server; it looks the same either way. */
export const RunPage = ({ mode, runId }: { mode: 'local' | 'remote'; runId: string }) => {
  const transport = useTransport(mode);
  if (!transport) return <p className="lf-page lf-error">Connect to a server to open this run.</p>;
  return <LiveRun key={`${mode}:${runId}`} transport={transport} mode={mode} runId={runId} />;
};
