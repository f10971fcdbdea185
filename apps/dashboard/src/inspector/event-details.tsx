import type { RunView, Signal } from '@laneflow/core';
import { useSelection } from '../run/selection.ts';
import { describe, kindOf, kindStyles, nodeIdOf } from '../timeline/events.ts';
import { formatClock } from '../ui/format.ts';
import { JsonTree } from '../ui/json-tree.tsx';
import { EscalationLineage } from './escalation-lineage.tsx';
import { RatingBars } from './rating-bars.tsx';

const Ratings = ({ view, signal }: { view: RunView; signal: Signal }) => {
  switch (signal.type) {
    case 'confidence.rated':
      return <RatingBars ratings={signal.ratings} target={signal.target} overall={signal.overall} />;
    case 'confidence.passed':
    case 'confidence.escalated':
      return <RatingBars ratings={{}} target={signal.target} overall={signal.overall} />;
    case 'escalation.requested':
    case 'node.escalated': {
      const { ratings, confidence } = signal.request;
      if (!ratings && confidence === undefined) return null;
      const target = view.nodes.get(signal.nodeId)?.lastRating?.target;
      return (
        <RatingBars
          ratings={ratings ?? {}}
          {...(target !== undefined && { target })}
          {...(confidence !== undefined && { overall: confidence })}
        />
      );
    }
    default:
      return null;
  }
};

/** One timeline event: what happened, its ratings and lineage, and the full signal as a JSON tree. */
export const EventDetails = ({ view, signal }: { view: RunView; signal: Signal }) => {
  const selectNode = useSelection((s) => s.selectNode);
  const kind = kindStyles[kindOf(signal)];
  const nodeId = nodeIdOf(signal);
  return (
    <div className="lf-block" data-testid="event-details">
      <h3 className="lf-inspector-title">
        <span style={{ color: kind.color }} aria-hidden="true">
          {kind.glyph}
        </span>
        <span className="lf-sr-only">{kind.label}</span> <span>{signal.type}</span>{' '}
        <span className="lf-muted">#{signal.seq}</span>
      </h3>
      <p className="lf-text">{describe(signal)}</p>
      <p className="lf-muted">
        {formatClock(signal.at)}
        {nodeId !== undefined && (
          <>
            {' · node '}
            <button type="button" className="lf-link" onClick={() => selectNode(nodeId)}>
              {view.nodes.get(nodeId)?.label ?? nodeId}
            </button>
            {'attempt' in signal && ` · attempt ${signal.attempt}`}
          </>
        )}
      </p>
      <Ratings view={view} signal={signal} />
      {kindOf(signal) === 'escalation' && nodeId !== undefined && (
        <EscalationLineage view={view} nodeId={nodeId} />
      )}
      <h4>Payload</h4>
      <JsonTree value={signal} label="signal" expandDepth={2} />
    </div>
  );
};
