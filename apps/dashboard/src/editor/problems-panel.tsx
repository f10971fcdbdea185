import type { Problem } from '@laneflow/core';
import { useReactFlow } from '@xyflow/react';
import { useEditor } from './store.ts';

/**
 * Every problem of the document as a sentence; clicking one selects its node or edge, brings the
 * node into view and puts the cursor in the field that fixes it.
 */
export const ProblemsPanel = ({ problems }: { problems: Problem[] }) => {
  const { fitView } = useReactFlow();
  if (problems.length === 0) return null;
  const go = (p: Problem) => {
    const { select, requestFocus } = useEditor.getState();
    select(p.target);
    requestFocus({ ...(p.target && { target: p.target }), field: p.field });
    if (p.target?.type === 'node') void fitView({ nodes: [{ id: p.target.id }], duration: 200, maxZoom: 1 });
  };
  return (
    <section aria-labelledby="problems-title" data-testid="problems" className="lf-problems">
      <h2 id="problems-title">
        {problems.length} problem{problems.length > 1 ? 's' : ''} to fix
      </h2>
      <ul>
        {problems.map((p, i) => (
          // Two issues can read the same (e.g. two bad references in one prompt); the index keeps keys unique.
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is rebuilt whole on every change.
          <li key={`${p.issue.path}|${p.issue.message}|${i}`}>
            <button type="button" className="lf-problem" onClick={() => go(p)}>
              {p.text}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
};
