import type { Lane } from './lanes.ts';

export interface LaneStyle {
  /** The lane's colour; identical in every view. */
  color: string;
  /** Icon name, so colour is never the only cue. */
  icon: 'clock' | 'spinner' | 'hand' | 'check' | 'cross' | 'arrow-up' | 'skip' | 'ban';
  /** A text glyph for terminals and plain-text views. */
  glyph: string;
  label: string;
  dashed: boolean;
}

/** Lane colours and icons, defined once for the dashboard, the SDK and the terminal demo. */
export const laneStyles: Record<Lane, LaneStyle> = {
  queued: { color: '#94a3b8', icon: 'clock', glyph: '◷', label: 'Queued', dashed: false },
  running: { color: '#2563eb', icon: 'spinner', glyph: '◐', label: 'Running', dashed: false },
  awaiting_approval: {
    color: '#d97706',
    icon: 'hand',
    glyph: '✋',
    label: 'Awaiting approval',
    dashed: false,
  },
  succeeded: { color: '#16a34a', icon: 'check', glyph: '✔', label: 'Succeeded', dashed: false },
  failed: { color: '#dc2626', icon: 'cross', glyph: '✖', label: 'Failed', dashed: false },
  escalated: { color: '#9333ea', icon: 'arrow-up', glyph: '⬆', label: 'Escalated', dashed: false },
  skipped: { color: '#cbd5e1', icon: 'skip', glyph: '⤼', label: 'Skipped', dashed: true },
  cancelled: { color: '#475569', icon: 'ban', glyph: '⊘', label: 'Cancelled', dashed: false },
};
