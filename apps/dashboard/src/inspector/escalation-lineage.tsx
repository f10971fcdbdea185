import { laneStyles, type RunView } from '@laneflow/core';
import { LaneIcon } from '../lanes/lane-icon.tsx';
import { laneText } from '../lanes/lane-text.ts';
import { useSelection } from '../run/selection.ts';
import { escalationLineage, type LineageItem } from './lineage.ts';

const Item = ({ item, view, current }: { item: LineageItem; view: RunView; current: string }) => {
  const selectNode = useSelection((s) => s.selectNode);
  const { node } = item;
  const style = laneStyles[node.lane];
  return (
    <li>
      <button
        type="button"
        className="lf-lineage-item"
        aria-current={node.id === current ? 'true' : undefined}
        style={{ borderColor: style.color }}
        onClick={() => selectNode(node.id)}
      >
        <LaneIcon lane={node.lane} size={12} />
        <span className="lf-lineage-label">{node.label ?? node.id}</span>
        <span style={{ color: laneText(node.lane) }}>{style.label}</span>
        <span className="lf-muted">{view.ladder[node.tier]?.name ?? `tier ${node.tier}`}</span>
      </button>
      {item.children.length > 0 && (
        <ol className="lf-lineage">
          {item.children.map((c) => (
            <Item key={c.node.id} item={c} view={view} current={current} />
          ))}
        </ol>
      )}
    </li>
  );
};

/** The escalation chain a node belongs to, root first; each rung clickable. Hidden when there is none. */
export const EscalationLineage = ({ view, nodeId }: { view: RunView; nodeId: string }) => {
  const root = escalationLineage(view, nodeId);
  if (!root || root.children.length === 0) return null;
  return (
    <nav aria-label="Escalation lineage" data-testid="lineage">
      <h4>Escalation lineage</h4>
      <ol className="lf-lineage">
        <Item item={root} view={view} current={nodeId} />
      </ol>
    </nav>
  );
};
