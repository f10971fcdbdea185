import type { RunSummary } from '@laneflow/core';
import { memo } from 'react';
import { hrefFor } from '../route.ts';
import { navigate } from '../router.ts';
import { formatDateTime, formatMs, formatUsd } from '../ui/format.ts';
import { useNow } from '../ui/use-now.ts';
import { RunStatusChip } from './run-status-chip.tsx';

const Duration = ({ run }: { run: RunSummary }) => {
  const live = run.endedAt === null && (run.status === 'running' || run.status === 'pending');
  const now = useNow(live);
  const end = run.endedAt ? Date.parse(run.endedAt) : live ? now : undefined;
  if (end === undefined) return <span className="lf-muted">—</span>;
  return <span>{formatMs(Math.max(0, end - Date.parse(run.createdAt)))}</span>;
};

/**
 * One run; the whole row opens it, the name is the keyboard-reachable link. `awaiting`: blocked on a
 * person. The checkbox picks it for comparing with another run.
 */
export const RunRow = memo(
  ({
    run,
    mode,
    awaiting,
    picked,
    onPick,
  }: {
    run: RunSummary;
    mode: 'local' | 'remote';
    awaiting: boolean;
    picked: boolean;
    onPick: (runId: string) => void;
  }) => {
    const route = { page: 'run', mode, runId: run.id } as const;
    return (
      <tr className="lf-clickable" data-testid={`run-${run.id}`} onClick={() => navigate(route)}>
        <td onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
          <input
            type="checkbox"
            aria-label={`Compare ${run.dagName ?? run.dagId ?? run.id} (${run.id})`}
            checked={picked}
            onChange={() => onPick(run.id)}
          />
        </td>
        <td>
          <a href={hrefFor(route)} onClick={(e) => e.stopPropagation()}>
            {run.dagName ?? run.dagId ?? run.id}
          </a>
          <div className="lf-muted lf-small">{run.id}</div>
        </td>
        <td>
          <RunStatusChip status={run.status} awaiting={awaiting} />
        </td>
        <td>{formatDateTime(run.createdAt)}</td>
        <td>
          <Duration run={run} />
        </td>
        <td>{formatUsd(run.costUsd)}</td>
        <td>{run.escalations}</td>
        <td>{run.nodes}</td>
      </tr>
    );
  },
);
RunRow.displayName = 'RunRow';
