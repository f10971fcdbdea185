import { type Issue, validateDag } from '@laneflow/core';
import { whenInputIdle } from '../ui/input-idle.ts';
import { type EditorDoc, toDagJson } from './doc.ts';

/** One empty list for every valid version, so "still valid" changes nothing downstream. */
export const NO_ISSUES: Issue[] = [];

/** How long the user must leave the page alone before a large document is checked. */
export const CHECK_QUIET_MS = 300;

export const issuesOf = (doc: EditorDoc): Issue[] => {
  const r = validateDag(toDagJson(doc));
  return r.ok ? NO_ISSUES : r.issues;
};

export interface Validator {
  check(doc: EditorDoc): void;
  terminate(): void;
}

/**
 * Checks documents in a Web Worker, one at a time, in a pause of the user's input: versions that
 * arrive while one is waiting or being checked collapse into the latest, so a drag costs one check
 * when it ends, not one per frame.
 */
export const createValidator = (onResult: (doc: EditorDoc, issues: Issue[]) => void): Validator => {
  if (typeof Worker === 'undefined')
    return { check: (doc) => onResult(doc, issuesOf(doc)), terminate: () => {} };
  const worker = new Worker(new URL('./validate.worker.ts', import.meta.url), { type: 'module' });
  let busy = false;
  let broken = false;
  let inFlight: EditorDoc | undefined;
  let latest: EditorDoc | undefined;
  let cancel = () => {};
  const next = () => {
    busy = latest !== undefined;
    if (!busy) return;
    cancel = whenInputIdle(CHECK_QUIET_MS, () => {
      inFlight = latest;
      latest = undefined;
      if (broken) done(issuesOf);
      // As JSON text: a flat string crosses to the worker several times faster than a structured
      // clone of thousands of node objects.
      else worker.postMessage(JSON.stringify(toDagJson(inFlight as EditorDoc)));
    });
  };
  const done = (issues: (doc: EditorDoc) => Issue[]) => {
    const doc = inFlight as EditorDoc;
    inFlight = undefined;
    onResult(doc, issues(doc));
    next();
  };
  worker.onmessage = (e: MessageEvent<Issue[]>) => done(() => (e.data.length === 0 ? NO_ISSUES : e.data));
  // A worker that cannot start (e.g. a blocked script) must not leave documents unchecked: they are
  // checked here instead, the one in flight (if any) at once.
  worker.onerror = () => {
    broken = true;
    if (inFlight) done(issuesOf);
  };
  return {
    check(doc) {
      latest = doc;
      if (!busy) next();
    },
    terminate() {
      cancel();
      worker.terminate();
    },
  };
};
