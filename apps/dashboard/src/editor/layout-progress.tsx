import { useNow } from '../ui/use-now.ts';
import { cancelLayout, useLayoutRun } from './layout-run.ts';

/**
 * While a layout runs: how many nodes, for how long, and a way to stop it. ELK reports no fraction
 * done, so the bar is indeterminate rather than a made-up percentage.
 */
export const LayoutProgress = () => {
  const running = useLayoutRun((s) => s.running);
  const now = useNow(running !== undefined);
  if (!running) return null;
  const seconds = Math.max(0, (now - running.started) / 1000);
  return (
    <span className="lf-layout-progress" role="status" data-testid="layout-progress">
      <progress aria-label="Laying out" />
      Laying out {running.nodes.toLocaleString()} nodes… {seconds.toFixed(1)} s
      <button type="button" onClick={cancelLayout}>
        Cancel
      </button>
    </span>
  );
};
