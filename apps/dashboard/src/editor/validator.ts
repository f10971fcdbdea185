import { type Issue, validateDag } from '@laneflow/core';
import { type EditorDoc, toDagJson } from './doc.ts';

/** One empty list for every valid version, so "still valid" changes nothing downstream. */
export const NO_ISSUES: Issue[] = [];

export const issuesOf = (doc: EditorDoc): Issue[] => {
  const r = validateDag(toDagJson(doc));
  return r.ok ? NO_ISSUES : r.issues;
};

export interface Validator {
  check(doc: EditorDoc): void;
  terminate(): void;
}

/**
 * Checks documents in a Web Worker, one at a time: versions that arrive while one is being checked
 * collapse into the latest, so a drag costs one check per answer, not one per frame.
 */
export const createValidator = (onResult: (doc: EditorDoc, issues: Issue[]) => void): Validator => {
  if (typeof Worker === 'undefined')
    return { check: (doc) => onResult(doc, issuesOf(doc)), terminate: () => {} };
  const worker = new Worker(new URL('./validate.worker.ts', import.meta.url), { type: 'module' });
  let inFlight: EditorDoc | undefined;
  let next: EditorDoc | undefined;
  const send = (doc: EditorDoc) => {
    inFlight = doc;
    // As JSON text: a flat string crosses to the worker several times faster than a structured
    // clone of thousands of node objects.
    worker.postMessage(JSON.stringify(toDagJson(doc)));
  };
  const done = (issues: (doc: EditorDoc) => Issue[]) => {
    const doc = inFlight as EditorDoc;
    inFlight = undefined;
    onResult(doc, issues(doc));
    const queued = next;
    next = undefined;
    if (queued) send(queued);
  };
  worker.onmessage = (e: MessageEvent<Issue[]>) => done(() => (e.data.length === 0 ? NO_ISSUES : e.data));
  // A worker that cannot start (e.g. a blocked script) must not leave the document unchecked.
  worker.onerror = () => done(issuesOf);
  return {
    check(doc) {
      if (inFlight) next = doc;
      else send(doc);
    },
    terminate: () => worker.terminate(),
  };
};
