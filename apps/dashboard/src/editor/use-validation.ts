import type { Issue } from '@laneflow/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { LOD_MIN_NODES } from '../graph/lod-layer.tsx';
import type { EditorDoc } from './doc.ts';
import { createValidator, issuesOf, NO_ISSUES, type Validator } from './validator.ts';

export interface Validation {
  issues: Issue[];
  /** The issues are of an older version of the document; the current one is being checked. */
  pending: boolean;
}

/**
 * The document's `validateDag` issues. Small documents are checked in the render, on every change;
 * large ones (hundreds of milliseconds of zod) in a Web Worker, so opening or editing a 5,000-node
 * DAG never blocks the page. The `verified` document (as opened from a store) is not checked.
 */
export const useValidation = (doc: EditorDoc, verified?: EditorDoc): Validation => {
  const known = doc === verified;
  const large = doc.nodes.length >= LOD_MIN_NODES;
  const sync = useMemo(() => (large || known ? undefined : issuesOf(doc)), [large, known, doc]);
  const [checked, setChecked] = useState<{ doc: EditorDoc; issues: Issue[] }>();
  const validator = useRef<Validator>(undefined);

  useEffect(() => () => validator.current?.terminate(), []);
  useEffect(() => {
    if (!large || known) return;
    validator.current ??= createValidator((d, issues) => setChecked({ doc: d, issues }));
    validator.current.check(doc);
  }, [large, known, doc]);

  if (known) return { issues: NO_ISSUES, pending: false };
  if (sync) return { issues: sync, pending: false };
  return { issues: checked?.issues ?? NO_ISSUES, pending: checked?.doc !== doc };
};
