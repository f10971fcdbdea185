/**
 * How a node reads in a table or on the canvas, the same in the dashboard and the terminal. Work no
 * model does (an approval, a transform) has no tier to show, so it shows its kind; an approval node
 * does no work of its own, so its time is the person's wait.
 */

/** The tier column of a node: its kind for work no model does, else the tier's name. */
export const tierOrKind = (kind: string | undefined, tierName: string): string =>
  kind === 'approval' || kind === 'transform' ? kind : tierName;

/** The time of a node as people read it: an approval node's wait, any other node's work. */
export const shownMs = (
  kind: string | undefined,
  times: { elapsedMs?: number | undefined; waitedMs?: number | undefined },
): number | undefined => (kind === 'approval' ? (times.waitedMs ?? times.elapsedMs) : times.elapsedMs);
