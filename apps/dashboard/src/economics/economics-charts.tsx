/**
 * The economics view's charts (recharts), loaded on demand: the rest of the dashboard does not pay
 * for the charting library. Every chart has a table next to it with the same numbers.
 */
import type { DagEconomics } from '@laneflow/core';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDateTime } from '../ui/format.ts';
import {
  type CostPoint,
  costSeries,
  escalationRows,
  paidTiers,
  passRows,
  tierColor,
  triedTiers,
  usd,
} from './economics-data.ts';

const axis = { stroke: 'var(--border)', tick: { fill: 'var(--muted)', fontSize: 12 } };
const grid = <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />;
const tooltip = (format: (value: number) => string) => (
  <Tooltip
    contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
    labelStyle={{ color: 'var(--text)' }}
    cursor={{ fill: 'var(--hover)' }}
    formatter={(value) => format(Number(value))}
    labelFormatter={(label, payload) => {
      // A run's point says when it ended, so the series reads over time.
      const point = payload[0]?.payload as Partial<CostPoint> | undefined;
      return point?.endedAt ? `run ${label} · ${formatDateTime(point.endedAt)}` : label;
    }}
  />
);
const percent = (v: number) => `${Math.round(v)}%`;
// In ladder order (the series' own), not sorted by name.
const legend = <Legend wrapperStyle={{ color: 'var(--text)' }} itemSorter={null} />;
const size = { width: '100%', height: 280 } as const;

/** Cost per run, stacked by tier, with what the same run would have cost on the top tier. */
export const CostChart = ({ economics }: { economics: DagEconomics }) => (
  <ComposedChart
    data={costSeries(economics)}
    responsive
    style={size}
    role="img"
    title="Cost per run by tier, against all on the top tier"
  >
    {grid}
    <XAxis
      dataKey="run"
      {...axis}
      label={{ value: 'run', position: 'insideBottomRight', fill: 'var(--muted)' }}
    />
    {/* Square-root scale: the top tier often costs tens of times more, and the cheap runs' bars
        must still show. */}
    <YAxis
      {...axis}
      scale="sqrt"
      domain={[0, 'auto']}
      tickFormatter={(v: number) => usd(v)}
      width={72}
      label={{ value: '√ scale', angle: -90, position: 'insideLeft', fill: 'var(--muted)' }}
    />
    {tooltip(usd)}
    {legend}
    {paidTiers(economics).map((tier) => (
      <Bar
        key={tier}
        name={tier}
        stackId="cost"
        dataKey={(p: ReturnType<typeof costSeries>[number]) => p.byTier[tier] ?? 0}
        fill={tierColor(economics, tier)}
        maxBarSize={72}
        isAnimationActive={false}
      />
    ))}
    <Line
      name="all on the top tier"
      dataKey="topTierCostUsd"
      stroke="var(--text)"
      strokeDasharray="6 3"
      dot={false}
      isAnimationActive={false}
    />
  </ComposedChart>
);

/** Gate pass rate of each node at each tier it ran on. */
export const PassRateChart = ({ economics }: { economics: DagEconomics }) => (
  <BarChart
    data={passRows(economics)}
    responsive
    style={size}
    role="img"
    title="Gate pass rate per node and tier"
  >
    {grid}
    <XAxis dataKey="nodeId" {...axis} />
    <YAxis {...axis} domain={[0, 100]} unit="%" width={56} />
    {tooltip(percent)}
    {legend}
    {triedTiers(economics).map((tier) => (
      <Bar
        key={tier}
        name={tier}
        dataKey={(r: ReturnType<typeof passRows>[number]) => r.byTier[tier] ?? null}
        fill={tierColor(economics, tier)}
        maxBarSize={72}
        isAnimationActive={false}
      />
    ))}
  </BarChart>
);

/** How often each node escalates from each tier. */
export const EscalationChart = ({ economics }: { economics: DagEconomics }) => (
  <BarChart
    data={escalationRows(economics)}
    responsive
    style={size}
    role="img"
    title="Escalation rate per node and tier"
  >
    {grid}
    <XAxis dataKey="key" {...axis} />
    <YAxis {...axis} domain={[0, 100]} unit="%" width={56} />
    {tooltip(percent)}
    <Bar
      name="escalated"
      dataKey="ratePct"
      fill="var(--tier-escalated)"
      maxBarSize={72}
      isAnimationActive={false}
    />
  </BarChart>
);
