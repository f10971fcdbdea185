import { policySavingUsd, type RunView } from '@laneflow/core';
import { hrefFor } from '../route.ts';
import { formatTokens, formatUsd } from '../ui/format.ts';
import { useRunContext } from './run-context.ts';

/** Tokens and cost by tier, and what the run saved against running everything on the top tier. */
export const CostPanel = ({ view }: { view: RunView }) => {
  const { kind } = useRunContext().transport;
  const tiers = [...view.usageByTier.entries()].sort(([a], [b]) => a - b);
  const placed = [...view.nodes.values()].filter((n) => n.tierReason && !n.tierReason.cold).length;
  return (
    <section className="lf-section" aria-label="Cost">
      <h2>Cost</h2>
      <table className="lf-table">
        <thead>
          <tr>
            <th>Tier</th>
            <th>Calls</th>
            <th>Tokens</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {tiers.map(([tier, u]) => (
            <tr key={tier}>
              <td>{view.ladder[tier]?.name ?? tier}</td>
              <td>{u.calls}</td>
              <td>{formatTokens(u.inputTokens + u.outputTokens)}</td>
              <td>{formatUsd(u.costUsd)}</td>
            </tr>
          ))}
          <tr>
            <th>Total</th>
            <th>{view.usage.calls}</th>
            <th>{formatTokens(view.usage.inputTokens + view.usage.outputTokens)}</th>
            <th data-testid="cost-total">{formatUsd(view.usage.costUsd)}</th>
          </tr>
        </tbody>
      </table>
      <p className="lf-muted" data-testid="cost-saving">
        All on the top tier: {formatUsd(view.topTierCostUsd)} · saved {formatUsd(view.savingUsd)}
      </p>
      {placed > 0 && (
        <p className="lf-muted" data-testid="cost-policy-saving">
          Start-tier policy (placed {placed} node{placed === 1 ? '' : 's'} from their history): saved{' '}
          {formatUsd(policySavingUsd(view))} in expected cost
        </p>
      )}
      {view.dagId !== undefined && (
        <p>
          <a href={hrefFor({ page: 'economics', where: kind, dagId: view.dagId })}>This DAG's economics</a>
        </p>
      )}
      {view.ladder.some((t) => t.provider === 'sim') && (
        <p className="lf-muted">Simulated models (sim provider).</p>
      )}
    </section>
  );
};
