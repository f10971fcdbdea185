import type { DagEconomics } from '@laneflow/core';
import { formatDateTime } from '../ui/format.ts';
import { costSeries, escalationRows, paidTiers, passRows, usd, weight } from './economics-data.ts';

const pct = (x: number) => `${Math.round(x)}%`;

/** The cost chart's numbers: each run's cost by tier, against the top tier. */
export const CostTable = ({ economics }: { economics: DagEconomics }) => {
  const tiers = paidTiers(economics);
  return (
    <table className="lf-table" data-testid="economics-cost-table">
      <caption className="lf-sr-only">Cost per run by tier</caption>
      <thead>
        <tr>
          <th>Run</th>
          <th>Ended</th>
          {tiers.map((t) => (
            <th key={t}>{t}</th>
          ))}
          <th>Cost</th>
          <th>All on the top tier</th>
          <th>Policy saved</th>
        </tr>
      </thead>
      <tbody>
        {costSeries(economics).map((p) => (
          <tr key={p.runId}>
            <td>
              <code title={p.runId}>#{p.run}</code>
            </td>
            <td>{formatDateTime(p.endedAt)}</td>
            {tiers.map((t) => (
              <td key={t}>{usd(p.byTier[t] ?? 0)}</td>
            ))}
            <td>{usd(p.costUsd)}</td>
            <td>{usd(p.topTierCostUsd)}</td>
            <td>{usd(p.policySavingUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/**
 * Gate pass rate per node and tier, with the recent runs behind each rate: decayed sums, so "recent"
 * (as the inspector says it). A node that passed without a rated round has no gate, and says so.
 */
export const PassTable = ({ economics }: { economics: DagEconomics }) => (
  <table className="lf-table" data-testid="economics-pass-table">
    <caption className="lf-sr-only">Gate pass rate per node and tier</caption>
    <thead>
      <tr>
        <th>Node</th>
        <th>Runs</th>
        {economics.tiers.map((t) => (
          <th key={t}>{t}</th>
        ))}
      </tr>
    </thead>
    <tbody>
      {passRows(economics).map((r) => {
        const node = economics.nodes.find((n) => n.nodeId === r.nodeId);
        return (
          <tr key={r.nodeId} data-testid={`pass-${r.nodeId}`}>
            <th scope="row">
              <code>{r.nodeId}</code>
            </th>
            <td>{r.totalRuns}</td>
            {economics.tiers.map((t) => {
              const s = node?.tiers.find((x) => x.tier === t);
              return (
                <td key={t} data-tier={t}>
                  {s && s.runs > 0 ? (
                    <>
                      {pct(s.passRate * 100)}{' '}
                      <span className="lf-muted">
                        ({weight(s.passes)} of {weight(s.runs)} recent
                        {s.rounds === 0 && s.passes > 0 ? '; no gate' : ''})
                      </span>
                    </>
                  ) : (
                    <span className="lf-muted">–</span>
                  )}
                </td>
              );
            })}
          </tr>
        );
      })}
    </tbody>
  </table>
);

/** Where runs escalate: node and tier, how often, and why. */
export const EscalationTable = ({ economics }: { economics: DagEconomics }) => {
  const rows = escalationRows(economics);
  return (
    <table className="lf-table" data-testid="economics-escalation-table">
      <caption className="lf-sr-only">Escalations per node and tier</caption>
      <thead>
        <tr>
          <th>Node</th>
          <th>From tier</th>
          <th>Escalated</th>
          <th>Triggers</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">
              <code>{r.nodeId}</code>
            </th>
            <td>{r.tier}</td>
            <td>
              {pct(r.ratePct)}{' '}
              <span className="lf-muted">
                ({weight(r.escalations)} of {weight(r.runs)} recent)
              </span>
            </td>
            <td>{r.triggers.map((t) => `${t.trigger} ${weight(t.count)}`).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
