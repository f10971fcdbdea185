import type { RunView, Signal } from '@laneflow/core';

/** Timeline event kinds; `other` is every remaining signal, shown on the "All signals" toggle. */
export type EventKind = 'escalation' | 'confidence' | 'approval' | 'other';
export const eventKinds: readonly EventKind[] = ['escalation', 'confidence', 'approval', 'other'];

export const kindStyles: Record<EventKind, { color: string; label: string; glyph: string }> = {
  escalation: { color: '#9333ea', label: 'Escalation', glyph: '▲' },
  confidence: { color: '#0891b2', label: 'Confidence', glyph: '◎' },
  approval: { color: '#d97706', label: 'Approval', glyph: '◆' },
  other: { color: '#64748b', label: 'Other', glyph: '•' },
};

export const kindOf = (s: Signal): EventKind => {
  switch (s.type) {
    case 'escalation.requested':
    case 'node.escalated':
      return 'escalation';
    case 'confidence.rated':
    case 'confidence.passed':
    case 'confidence.escalated':
      return 'confidence';
    case 'node.awaiting_approval':
    case 'approval.decided':
      return 'approval';
    default:
      return 'other';
  }
};

const pct = (n: number) => `${Math.round(n * 100)}%`;

/** One line describing a signal, for the list and the text search. Plain text, never HTML. */
export const describe = (s: Signal): string => {
  switch (s.type) {
    case 'escalation.requested':
      return `${s.request.urgency === 'fyi' ? 'note' : 'requested'} (${s.request.trigger}): ${s.request.reason}`;
    case 'node.escalated':
      return `${s.route}${s.toTier !== undefined ? ` → tier ${s.toTier}` : ''}: ${s.reason}`;
    case 'confidence.rated':
      return `round ${s.round}: ${pct(s.overall)} vs target ${pct(s.target)} ${s.passed ? 'passed' : 'below target'}`;
    case 'confidence.passed':
      return `passed ${pct(s.overall)} ≥ ${pct(s.target)} after ${s.rounds} round(s)`;
    case 'confidence.escalated':
      return `escalated ${pct(s.overall)} < ${pct(s.target)} after ${s.rounds} round(s)`;
    case 'node.awaiting_approval':
      return `awaiting approval: ${s.prompt}`;
    case 'approval.decided':
      return `${s.decision} by ${s.by}${s.comment ? `: ${s.comment}` : ''}`;
    case 'node.queued':
      return `queued on tier ${s.tier}${s.parentId ? ` (${s.spawnReason ?? 'child'} of ${s.parentId})` : ''}`;
    case 'node.started':
      return `started on tier ${s.tier}${s.model ? ` (${s.model})` : ''}`;
    case 'node.succeeded':
      return `succeeded in ${Math.round(s.elapsedMs)} ms`;
    case 'node.failed':
      return `failed: ${s.error.message}${s.willRetry ? ' (will retry)' : ''}`;
    case 'node.skipped':
      return `skipped: ${s.reason}`;
    case 'node.cancelled':
      return `cancelled${s.reason ? `: ${s.reason}` : ''}`;
    case 'usage':
      return `${s.model}: ${s.inputTokens}+${s.outputTokens} tokens, $${s.costUsd.toFixed(4)}`;
    case 'node.output_delta':
      return s.text;
    case 'run.started':
      return 'run started';
    default:
      return `${s.type.slice(4)}${s.reason ? `: ${s.reason}` : s.error ? `: ${s.error.message}` : ''}`;
  }
};

export const nodeIdOf = (s: Signal): string | undefined => ('nodeId' in s ? s.nodeId : undefined);

/** Merges the view's escalation, confidence and approval lists (each already in seq order). */
export const gateEvents = (view: RunView): Signal[] => {
  const cursors = [view.escalations, view.confidence, view.approvals].map((list) => ({ list, at: 0 }));
  const out: Signal[] = [];
  for (;;) {
    let best: (typeof cursors)[number] | undefined;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const c of cursors) {
      const s = c.list[c.at];
      if (s && s.seq < bestSeq) {
        best = c;
        bestSeq = s.seq;
      }
    }
    if (!best) return out;
    out.push(best.list[best.at] as Signal);
    best.at++;
  }
};

const searchText = (view: RunView, s: Signal): string => {
  const id = nodeIdOf(s);
  const label = id === undefined ? undefined : view.nodes.get(id)?.label;
  return `${s.type} ${id ?? ''} ${label ?? ''} ${describe(s)}`.toLowerCase();
};

/** Index of the event with `seq` in a seq-ordered list, or -1. */
export const indexOfSeq = (events: readonly Signal[], seq: number | undefined): number => {
  if (seq === undefined) return -1;
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = (events[mid] as Signal).seq;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
};

export interface TimelineFilter {
  kinds: ReadonlySet<EventKind>;
  /** Also show every other signal. */
  allSignals: boolean;
  nodeId: string | undefined;
  text: string;
}

export const defaultFilter: TimelineFilter = {
  kinds: new Set<EventKind>(['escalation', 'confidence', 'approval']),
  allSignals: false,
  nodeId: undefined,
  text: '',
};

/** The events the timeline shows for `filter`, in seq order. The search also matches node labels. */
export const filterEvents = (view: RunView, signals: readonly Signal[], filter: TimelineFilter): Signal[] => {
  const source = filter.allSignals ? signals : gateEvents(view);
  const text = filter.text.trim().toLowerCase();
  const out: Signal[] = [];
  for (const s of source) {
    const kind = kindOf(s);
    if (kind === 'other' ? !filter.allSignals : !filter.kinds.has(kind)) continue;
    if (filter.nodeId !== undefined && nodeIdOf(s) !== filter.nodeId) continue;
    if (text && !searchText(view, s).includes(text)) continue;
    out.push(s);
  }
  return out;
};
