import type { DagEconomics } from '@laneflow/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTransport } from '../connection/store.ts';
import { hrefFor } from '../route.ts';
import { ChartBoundary } from './chart-boundary.tsx';
import { costTotals, escalationRows, usd, weight } from './economics-data.ts';
import { CostTable, EscalationTable, PassTable } from './economics-tables.tsx';

const charts = () => import('./economics-charts.tsx');
const CostChart = lazy(() => charts().then((m) => ({ default: m.CostChart })));
const PassRateChart = lazy(() => charts().then((m) => ({ default: m.PassRateChart })));
const EscalationChart = lazy(() => charts().then((m) => ({ default: m.EscalationChart })));

/** A chart and, for whoever does not see it, its numbers as a table. */
const Figure = ({
  id,
  title,
  chart,
  children,
}: {
  id: string;
  title: string;
  chart: ReactNode;
  children: ReactNode;
}) => (
  <section className="lf-section lf-econ-figure" aria-labelledby={`${id}-title`} data-testid={id}>
    <h2 id={`${id}-title`}>{title}</h2>
    <div className="lf-econ-chart" aria-describedby={`${id}-table`}>
      <ChartBoundary>
        <Suspense fallback={<p className="lf-muted">Loading the chart…</p>}>{chart}</Suspense>
      </ChartBoundary>
    </div>
    <div id={`${id}-table`}>{children}</div>
  </section>
);

/**
 * What a DAG's runs cost and where its nodes pass: cost per run by tier against the top tier, gate
 * pass rate per node and tier, and where runs escalate. The same view for the server's DAGs and this
 * browser's, from `RunTransport.economics`.
 */
export const EconomicsPage = ({ where, dagId }: { where: 'local' | 'remote'; dagId: string }) => {
  const transport = useTransport(where);
  const economics = useQuery({
    queryKey: ['economics', where, dagId],
    queryFn: () => (transport ? transport.economics(dagId) : Promise.reject(new Error('not connected'))),
    enabled: transport !== undefined,
  });
  const dag = useQuery({
    queryKey: ['library', where, 'dag', dagId],
    queryFn: () => transport?.getDag(dagId) ?? null,
    enabled: transport !== undefined,
    retry: false,
  });
  const name = dag.data?.name ?? dagId;
  const e = economics.data;
  return (
    <div className="lf-page lf-stack" data-testid="economics">
      <div className="lf-row">
        <h1 className="lf-page-title">Economics of {name}</h1>
        <span className="lf-muted">{where === 'local' ? 'in this browser' : 'on the server'}</span>
        <span className="lf-spacer" />
        <a className="lf-button" href={hrefFor({ page: 'dags' })}>
          Back to DAGs
        </a>
      </div>
      {!transport && (
        <p className="lf-muted">
          Not connected to a server. <a href={hrefFor({ page: 'connect' })}>Connect</a> to see its DAGs.
        </p>
      )}
      {economics.isPending && transport && <p className="lf-muted">Loading…</p>}
      {economics.error && (
        <p className="lf-error" role="alert">
          Could not load the economics: {economics.error.message}
        </p>
      )}
      {e && <EconomicsView economics={e} />}
    </div>
  );
};

/** The economics of one DAG: a summary, then each chart with its table. */
export const EconomicsView = ({ economics: e }: { economics: DagEconomics }) => {
  const totals = costTotals(e);
  if (totals.runs === 0 && e.nodes.length === 0)
    return <p className="lf-muted">No finished runs of this DAG yet.</p>;
  return (
    <>
      <p data-testid="economics-summary">
        {totals.runs} finished run{totals.runs === 1 ? '' : 's'} cost {usd(totals.costUsd)}; all on the top
        tier they would have cost {usd(totals.topTierCostUsd)} ({Math.round(totals.savedPct)}% saved). The
        start-tier policy saved {usd(totals.policySavingUsd)} in expected cost. History fades with a half-life
        of {weight(e.halfLifeRuns)} runs.
      </p>
      <Figure id="economics-cost" title="Cost per run" chart={<CostChart economics={e} />}>
        <details>
          <summary>The cost of each run as a table</summary>
          <CostTable economics={e} />
        </details>
      </Figure>
      <Figure
        id="economics-pass"
        title="Gate pass rate per node and tier"
        chart={<PassRateChart economics={e} />}
      >
        <PassTable economics={e} />
      </Figure>
      {escalationRows(e).length > 0 ? (
        <Figure
          id="economics-escalations"
          title="Where runs escalate"
          chart={<EscalationChart economics={e} />}
        >
          <EscalationTable economics={e} />
        </Figure>
      ) : (
        <p className="lf-muted">No node has escalated in the history.</p>
      )}
    </>
  );
};
