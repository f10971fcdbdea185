import { type DagSpec, type Json, resolveRunInputs, summarizeIssues } from '@laneflow/core';
import { HttpError } from './http-error.ts';

/**
 * A run's inputs, checked against its DAG's input schema with the same check the browser's engine
 * makes: defaults filled in, or 400 `invalid_inputs` with one issue per field (`inputs.topic`).
 */
export const runInputs = (dag: DagSpec, given: Record<string, Json> | undefined): Record<string, Json> => {
  const r = resolveRunInputs(dag, given);
  if (!r.ok)
    throw new HttpError(400, 'invalid_inputs', `invalid inputs: ${summarizeIssues(r.issues)}`, r.issues);
  return r.value;
};
