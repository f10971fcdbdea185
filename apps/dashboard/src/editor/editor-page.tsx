import { validateDag } from '@laneflow/core';
import { exampleDags } from '@laneflow/examples';
import { useState } from 'react';
import { useConnection, useTransport } from '../connection/store.ts';
import { navigate } from '../router.ts';

/** Placeholder editor: opens the example DAG and runs it (the full editor replaces this). */
export const EditorPage = (_: { dagId?: string }) => {
  const target = useConnection((s) => s.target);
  const setTarget = useConnection((s) => s.setTarget);
  const server = useConnection((s) => s.server);
  const transport = useTransport(target);
  const [error, setError] = useState<string>();
  const parsed = validateDag(exampleDags[0]);
  const run = async () => {
    if (!parsed.ok || !transport) return;
    try {
      const { runId } = await transport.startRun({ dag: parsed.value });
      navigate({ page: 'run', mode: target, runId });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="lf-page">
      <h2>{parsed.ok ? parsed.value.name : 'Example'}</h2>
      <select aria-label="Run on" value={target} onChange={(e) => setTarget(e.target.value as 'local' | 'remote')}>
        <option value="local">Run in this browser</option>
        <option value="remote" disabled={!server}>
          Run on the server
        </option>
      </select>{' '}
      <button type="button" className="primary" onClick={run}>
        Run
      </button>
      {error && <p className="lf-error">{error}</p>}
    </div>
  );
};
