import { laneStyles } from './lane-style.ts';
import { type Lane, lanes } from './lanes.ts';
import { shownMs, tierOrKind } from './node-display.ts';
import type { RunView } from './run-view.ts';

/** 24-bit terminal colour for `text`, or the text alone. */
const paint = (color: boolean, hex: string, text: string) => {
  if (!color) return text;
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return `\x1b[38;2;${r};${g};${b}m${text}\x1b[0m`;
};

/** A lane as the terminal shows it: glyph and name in the lane's colour (the glyph carries it too). */
export const laneLabel = (lane: Lane, color: boolean): string =>
  paint(color, laneStyles[lane].color, `${laneStyles[lane].glyph} ${lane.padEnd(17)}`);

/**
 * A run as a table of text lines: one row per node (lane, tier, attempt, time, the reason it waits or
 * failed), escalation children under their parent, then lane counts and cost. For terminals (the demo,
 * `laneflow run`); `color` adds ANSI colours.
 */
export const laneTable = (
  view: RunView,
  now: number,
  color: boolean,
  /** Each DAG node's kind: work no model does shows its kind for a tier, an approval its wait. */
  kinds: Readonly<Record<string, string>> = {},
): string => {
  const rows = [...view.nodes.values()].map((n) => {
    const kind = Object.hasOwn(kinds, n.id) ? kinds[n.id] : undefined;
    const tier = tierOrKind(kind, view.ladder[n.tier]?.name ?? String(n.tier));
    const worked = n.startedAt
      ? Date.parse(n.endedAt ?? new Date(now).toISOString()) - Date.parse(n.startedAt)
      : 0;
    // An approval node still waiting has waited until now.
    const since =
      kind === 'approval' && n.pendingApproval
        ? now - Date.parse(n.pendingApproval.since)
        : (shownMs(kind, { elapsedMs: worked, waitedMs: n.waitedMs }) ?? worked);
    const note =
      n.escalation?.reason ??
      n.error?.message ??
      (n.pendingApproval ? `waiting: ${n.pendingApproval.prompt}` : '');
    const indent = n.parentId ? '  └ ' : '';
    return `${(indent + (n.label ?? n.id)).padEnd(34)} ${laneLabel(n.lane, color)} ${tier.padEnd(7)} #${n.attempt} ${`${(since / 1000).toFixed(1)}s`.padStart(6)}  ${note}`;
  });
  const counts = lanes
    .filter((l) => view.counts[l] > 0)
    .map((l) => paint(color, laneStyles[l].color, `${laneStyles[l].glyph} ${l} ${view.counts[l]}`))
    .join('  ');
  const cost = `cost $${view.usage.costUsd.toFixed(4)} · ${view.usage.inputTokens + view.usage.outputTokens} tokens`;
  return [`run ${view.runId} · ${view.status}`, ...rows, counts, cost].join('\n');
};
