import { HttpError, type RunTransport } from '@laneflow/sdk';
import { useCancelRun, useRun, useStartRun } from '@laneflow/sdk/react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useTransport } from '../connection/store.ts';
import { Inspector } from '../inspector/inspector.tsx';
import { navigate } from '../router.ts';
import { askRunInputs, ranWith } from '../run-inputs/run-inputs-dialog.tsx';
import { Timeline } from '../timeline/timeline.tsx';
import { CostPanel } from './cost-panel.tsx';
import { Legend } from './legend.tsx';
import { createLiveOutput, LiveOutputContext } from './live-output.ts';
import { MissingRun } from './missing-run.tsx';
import { ReplayBar } from './replay-bar.tsx';
import { RunContext } from './run-context.ts';
import { RunGraph } from './run-graph.tsx';
import { StreamBadge } from './stream-badge.tsx';
import { useReplay } from './use-replay.ts';

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
    // A run that is not there will not appear by asking again.
    retry: (count, err) => count < 1 && !(err instanceof HttpError && err.status === 404),
  });
  const live = useRun(transport, runId);
  // Text streamed by running nodes, shown as it comes (not while scrubbing a finished run).
  const liveOutput = useMemo(createLiveOutput, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the list grows in place; rev says when.
  useEffect(() => liveOutput.feed(live.signals), [liveOutput, live.signals, live.rev]);
  const cancel = useCancelRun(transport);
  const rerun = useStartRun(transport);
  const status = live.view.status;
  const ended = status === 'succeeded' || status === 'failed' || status === 'cancelled';
  // A finished run can be scrubbed: its recorded signals re-projected up to a point, no re-execution.
  const replay = useReplay(live.signals, live.signals.length, ended);
  // While scrubbing, everything shows the re-projected past, read-only (no approving history).
  const replaying = replay.view !== undefined;
  const ctx = useMemo(() => ({ transport, runId, readOnly: replaying }), [transport, runId, replaying]);
  if (snapshot.error instanceof HttpError && snapshot.error.status === 404)
    return <MissingRun runId={runId} where={mode === 'local' ? 'this browser' : 'the server'} />;
  if (snapshot.error) return <p className="lf-error lf-page">{(snapshot.error as Error).message}</p>;
  if (!snapshot.data) return <p className="lf-page lf-muted">Loading run…</p>;
  const view = replay.view ?? live.view;
  const signals = replay.signals ?? live.signals;
  const rev = replay.view ? replay.rev : live.rev;
  const dag = snapshot.data.dag;
  return (
    <RunContext.Provider value={ctx}>
      <LiveOutputContext.Provider value={liveOutput.store}>
        <div className="lf-run">
          <div className="lf-run-bar">
            <h1 className="lf-bar-title">{dag.name ?? dag.id}</h1>
            <span className="lf-chip" data-testid="run-status" data-status={view.status}>
              {view.status}
            </span>
            <span className="lf-chip">{mode === 'local' ? 'in this browser' : 'on the server'}</span>
            <StreamBadge state={live.state} lastEventAt={live.lastEventAt} ended={ended} />
            <Legend counts={view.counts} />
            <span className="lf-spacer" />
            <button
              type="button"
              disabled={ended || cancel.isPending}
              onClick={() => cancel.mutate({ runId })}
            >
              Cancel
            </button>
            <button
              type="button"
              onClick={async () => {
                const inputs = await askRunInputs(dag, 'Re-run', snapshot.data?.inputs);
                if (!inputs) return;
                const r = await rerun.mutateAsync({ dag, inputs });
                ranWith(dag, inputs);
                navigate({ page: 'run', mode, runId: r.runId });
              }}
            >
              Re-run
            </button>
            {live.error && <span className="lf-error">{live.error.message}</span>}
            {rerun.error && <span className="lf-error">{rerun.error.message}</span>}
            {ended && <ReplayBar replay={replay} signals={live.signals} />}
          </div>
          <div className="lf-run-graph">
            <RunGraph dag={dag} view={view} rev={rev} />
          </div>
          <aside className="lf-side">
            <Inspector dag={dag} view={view} signals={signals} />
            <CostPanel view={view} />
          </aside>
          <div className="lf-bottom">
            <Timeline view={view} signals={signals} />
          </div>
        </div>
      </LiveOutputContext.Provider>
    </RunContext.Provider>
  );
};

/** A run, live or finished, in the browser or on the server; it looks the same either way. */
export const RunPage = ({ mode, runId }: { mode: 'local' | 'remote'; runId: string }) => {
  const transport = useTransport(mode);
  if (!transport) return <p className="lf-page lf-error">Connect to a server to open this run.</p>;
  return <LiveRun key={`${mode}:${runId}`} transport={transport} mode={mode} runId={runId} />;
};
