import type { Lane } from './lanes.ts';

export interface LaneStyle {
  /**
   * The lane's colour; identical in every view and theme, so each sits in the luminance band that
   * keeps 3:1 against both the light and the dark node background.
   */
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
  queued: { color: '#64748b', icon: 'clock', glyph: '◷', label: 'Queued', dashed: false },
  running: { color: '#3b82f6', icon: 'spinner', glyph: '◐', label: 'Running', dashed: false },
  awaiting_approval: {
    color: '#d97706',
    icon: 'hand',
    glyph: '✋',
    label: 'Awaiting approval',
    dashed: false,
  },
  succeeded: { color: '#16a34a', icon: 'check', glyph: '✔', label: 'Succeeded', dashed: false },
  failed: { color: '#ef4444', icon: 'cross', glyph: '✖', label: 'Failed', dashed: false },
  escalated: { color: '#a855f7', icon: 'arrow-up', glyph: '⬆', label: 'Escalated', dashed: false },
  skipped: { color: '#8f8f8f', icon: 'skip', glyph: '⤼', label: 'Skipped', dashed: true },
  cancelled: { color: '#78716c', icon: 'ban', glyph: '⊘', label: 'Cancelled', dashed: false },
};
