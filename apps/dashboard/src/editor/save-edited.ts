import type { DagRecord, DagSpec } from '@laneflow/core';
import { HttpError, type RunTransport } from '@laneflow/sdk';
import { confirmAction } from '../ui/confirm.tsx';
import type { DocSource } from './store.ts';

/**
 * Saves the edited DAG as a new version, based on the version it was opened or last saved as. A
 * store refuses that when someone saved a newer version since; the user then saves over it (the
 * newer version stays in the history) or keeps editing, and gets `undefined`.
 */
export const saveEdited = async (
  transport: RunTransport,
  dag: DagSpec,
  source: DocSource | undefined,
): Promise<DagRecord | undefined> => {
  // The document's own `version` is where it was first opened; the source follows each save.
  const { version: _, ...spec } = dag;
  const base = source?.dagId === dag.id ? source.version : undefined;
  try {
    return await transport.saveDag(base === undefined ? spec : { ...spec, version: base });
  } catch (err) {
    if (!(err instanceof HttpError && err.code === 'stale_version')) throw err;
    const overwrite = await confirmAction({
      title: `${dag.id} changed since you opened it`,
      message: `${err.message}. Save your edits as the newest version? The other one stays in the history, where you can compare and restore it.`,
      confirm: 'Save as newest',
    });
    return overwrite ? transport.saveDag(spec) : undefined;
  }
};
