import { type DagSpec, laneStyles, type NodeView, type RunView } from '@laneflow/core';
import { LaneIcon } from '../lanes/lane-icon.tsx';
import { laneText } from '../lanes/lane-text.ts';
import { ApproveControls } from '../run/approve-controls.tsx';
import { DecisionNotice } from '../run/decision-outcome.tsx';
import { useLiveText } from '../run/live-output.ts';
import { useRunContext } from '../run/run-context.ts';
import { useSelection } from '../run/selection.ts';
import { formatClock, formatMs, formatTokens, formatUsd } from '../ui/format.ts';
import { JsonTree } from '../ui/json-tree.tsx';
import { OutputText } from '../ui/output-text.tsx';
import { useNow } from '../ui/use-now.ts';
import { EscalationLineage } from './escalation-lineage.tsx';
import { RatingBars } from './rating-bars.tsx';
import { TierReasonText } from './tier-reason.tsx';

const kindOf = (dag: DagSpec, id: string) =>
  (dag.nodes.find((n) => n.id === id) ?? dag.nodes.find((n) => n.id === id.split(/[@[]/)[0]))?.kind;

const NodeLink = ({ view, id }: { view: RunView; id: string }) => {
  const selectNode = useSelection((s) => s.selectNode);
  return (
    <button type="button" className="lf-link" onClick={() => selectNode(id)}>
      {view.nodes.get(id)?.label ?? id}
    </button>
  );
};

/** What the running attempt's model has streamed so far, as it streams. */
const StreamedSoFar = ({ nodeId }: { nodeId: string }) => {
  const text = useLiveText(nodeId);
  if (!text) return null;
  return (
    <section className="lf-block" aria-label="Output so far">
      <h4>Output so far</h4>
      <OutputText value={text} label="output so far" />
    </section>
  );
};

/** How long a person took, or has been taking: from the wait's start to its end, else to now. */
/** A wait still open: how long so far, ticking while the run is live (not while replaying). */
const Waiting = ({ since }: { since: string }) => {
  const { readOnly } = useRunContext();
  const now = useNow(!readOnly);
  return <>{formatMs(Math.max(0, now - Date.parse(since)))}</>;
};

/** Everything about one node: lane, attempt, tier, timings, approval, escalation, rating, output, usage. */
export const NodeDetails = ({ dag, view, node }: { dag: DagSpec; view: RunView; node: NodeView }) => {
  const style = laneStyles[node.lane];
  const tier = view.ladder[node.tier];
  const kind = kindOf(dag, node.id);
  // A person's work (an approval node, the ladder's human rung) has no model tier and no run time:
  // what it has is a wait, and who ended it.
  const human = kind === 'approval' || tier?.provider === 'human';
  const waitingSince = node.pendingApproval?.since;
  const rejection = node.decision?.decision === 'rejected' && node.error?.code === 'rejected';
  return (
    <div data-testid="node-details" data-lane={node.lane}>
      <h3 className="lf-inspector-title">
        <LaneIcon lane={node.lane} /> <span>{node.label ?? node.id}</span>
      </h3>
      <dl className="lf-dl">
        <dt>Lane</dt>
        <dd>
          <strong style={{ color: laneText(node.lane) }} data-testid="node-lane">
            {style.label}
          </strong>
        </dd>
        <dt>Node</dt>
        <dd>
          <code>{node.id}</code>
          {kind && <span className="lf-muted"> · {kind}</span>}
        </dd>
        <dt>Attempt</dt>
        <dd data-testid="node-attempt">{node.attempt}</dd>
        {!human && (
          <>
            <dt>Tier</dt>
            <dd data-testid="node-tier">
              {tier?.name ?? `tier ${node.tier}`}
              {(node.model ?? tier?.model) && (
                <span className="lf-muted"> · {node.model ?? tier?.model}</span>
              )}
            </dd>
            {node.tierReason && <TierReasonText reason={node.tierReason} ladder={view.ladder} />}
          </>
        )}
        {node.parentId && (
          <>
            <dt>{node.spawnReason === 'escalation' ? 'Escalated from' : 'Spawned by'}</dt>
            <dd>
              <NodeLink view={view} id={node.parentId} />
            </dd>
          </>
        )}
        {node.queuedAt && (
          <>
            <dt>Queued</dt>
            <dd>{formatClock(node.queuedAt)}</dd>
          </>
        )}
        {node.startedAt && (
          <>
            <dt>Started</dt>
            <dd>{formatClock(node.startedAt)}</dd>
          </>
        )}
        {node.endedAt && (
          <>
            <dt>Ended</dt>
            <dd>{formatClock(node.endedAt)}</dd>
          </>
        )}
        {human && (waitingSince !== undefined || node.waitedMs !== undefined) && (
          <>
            <dt>Waited</dt>
            <dd data-testid="node-waited">
              {waitingSince !== undefined ? <Waiting since={waitingSince} /> : formatMs(node.waitedMs ?? 0)}
            </dd>
          </>
        )}
        {!human && node.elapsedMs !== undefined && (
          <>
            <dt>Elapsed</dt>
            <dd data-testid="node-elapsed">{formatMs(node.elapsedMs)}</dd>
          </>
        )}
        {node.skipReason && (
          <>
            <dt>Skipped</dt>
            <dd>{node.skipReason}</dd>
          </>
        )}
        {node.cancelReason && (
          <>
            <dt>Cancelled</dt>
            <dd>{node.cancelReason}</dd>
          </>
        )}
      </dl>

      {node.pendingApproval && (
        <section className="lf-block" aria-label="Pending approval">
          <h4>Awaiting approval</h4>
          <p className="lf-text">{node.pendingApproval.prompt}</p>
          {node.pendingApproval.payload !== undefined && (
            <OutputText value={node.pendingApproval.payload} label="payload" />
          )}
          <ApproveControls approval={node.pendingApproval} compact />
        </section>
      )}

      {node.decision && (
        <p data-testid="node-decision">
          <strong>{node.decision.decision}</strong> by <strong>{node.decision.by}</strong> at{' '}
          {formatClock(node.decision.at)}
          {node.decision.comment && <span className="lf-text">: “{node.decision.comment}”</span>}
        </p>
      )}
      {node.decision && <DecisionNotice approvalId={node.decision.approvalId} />}

      {node.escalation && (
        <div className="lf-block">
          <h4>Escalation</h4>
          <p className="lf-text">
            {node.escalation.route}
            {node.escalation.toTier !== undefined &&
              ` → ${view.ladder[node.escalation.toTier]?.name ?? `tier ${node.escalation.toTier}`}`}
            : {node.escalation.reason}
          </p>
          <p className="lf-muted">
            trigger {node.escalation.request.trigger} · {node.escalation.request.urgency}
            {node.escalation.childId && (
              <>
                {' '}
                · child <NodeLink view={view} id={node.escalation.childId} />
              </>
            )}
          </p>
          {node.escalation.request.ratings && (
            <RatingBars ratings={node.escalation.request.ratings} target={node.lastRating?.target} />
          )}
          <JsonTree value={node.escalation.request} label="request" expandDepth={0} />
        </div>
      )}

      <EscalationLineage view={view} nodeId={node.id} />

      {node.lastRating && (
        <div className="lf-block">
          <h4>
            Confidence (round {node.lastRating.round}, {node.lastRating.passed ? 'passed' : 'below target'})
          </h4>
          <RatingBars
            ratings={node.lastRating.ratings}
            target={node.lastRating.target}
            overall={node.lastRating.overall}
          />
        </div>
      )}

      {node.error && !rejection && (
        <div className="lf-block">
          <h4>Error</h4>
          {/* Messages often already start with their code ("rejected: …"): say it once. */}
          <pre className="lf-error lf-output">
            {node.error.message.startsWith(`${node.error.code}:`)
              ? node.error.message
              : `${node.error.code}: ${node.error.message}`}
          </pre>
        </div>
      )}

      {node.lane === 'running' && <StreamedSoFar nodeId={node.id} />}

      {node.output !== undefined && (
        <div className="lf-block">
          <h4>Output</h4>
          <OutputText value={node.output} label="output" />
        </div>
      )}

      {node.usage.calls > 0 && (
        <p className="lf-muted" data-testid="node-usage">
          {node.usage.calls} call{node.usage.calls === 1 ? '' : 's'} · {formatTokens(node.usage.inputTokens)}{' '}
          in / {formatTokens(node.usage.outputTokens)} out · {formatUsd(node.usage.costUsd)}
        </p>
      )}
    </div>
  );
};
