import { type NodeKind, nodeKinds } from '@laneflow/core';

export const DND_TYPE = 'application/x-laneflow-kind';

const blurbs: Record<NodeKind, string> = {
  llm: 'Prompt a model; gate and escalate',
  approval: 'A person approves or rejects',
  transform: 'Reshape upstream outputs',
  map: 'One child per list item',
};

/** Node kinds to drag onto the canvas (or click to add). */
export const Palette = ({ onAdd }: { onAdd: (kind: NodeKind) => void }) => (
  <section className="lf-section" aria-label="Palette">
    <h2>Nodes</h2>
    {nodeKinds.map((kind) => (
      <button
        key={kind}
        type="button"
        draggable
        data-testid={`palette-${kind}`}
        onDragStart={(e) => {
          e.dataTransfer.setData(DND_TYPE, kind);
          e.dataTransfer.effectAllowed = 'move';
        }}
        onClick={() => onAdd(kind)}
        style={{ display: 'block', width: '100%', textAlign: 'left', marginBottom: 6 }}
      >
        <strong>{kind}</strong>
        <div className="lf-muted" style={{ fontSize: 12 }}>
          {blurbs[kind]}
        </div>
      </button>
    ))}
  </section>
);
