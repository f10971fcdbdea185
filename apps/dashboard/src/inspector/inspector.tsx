import type { DagSpec, RunView, Signal } from '@laneflow/core';
import { useSelection } from '../run/selection.ts';
import { EventDetails } from './event-details.tsx';
import { NodeDetails } from './node-details.tsx';

/** Signals are gap-free from seq 1, so seq n is usually at index n - 1. */
const signalAt = (signals: readonly Signal[], seq: number): Signal | undefined => {
  const direct = signals[seq - 1];
  return direct?.seq === seq ? direct : signals.find((s) => s.seq === seq);
};

/**
 * Details of the selected timeline event (its full payload, ratings, lineage) and of the selected
 * node. Outputs, prompts and payloads are rendered as text, never HTML.
 */
export const Inspector = ({
  dag,
  view,
  signals,
}: {
  dag: DagSpec;
  view: RunView;
  signals: readonly Signal[];
}) => {
  const nodeId = useSelection((s) => s.nodeId);
  const seq = useSelection((s) => s.seq);
  const signal = seq === undefined ? undefined : signalAt(signals, seq);
  const node = nodeId ? view.nodes.get(nodeId) : undefined;
  if (!node && !signal)
    return <p className="lf-muted lf-section">Select a node or an event to inspect it.</p>;
  return (
    <section className="lf-section lf-inspector" aria-label="Inspector" data-testid="inspector">
      {signal && <EventDetails view={view} signal={signal} />}
      {node && <NodeDetails dag={dag} view={view} node={node} />}
    </section>
  );
};
