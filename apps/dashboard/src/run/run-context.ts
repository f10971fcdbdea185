import type { RunTransport } from '@laneflow/sdk';
import { createContext, useContext } from 'react';

export interface RunContextValue {
  transport: RunTransport;
  runId: string;
  /** Replays are read-only: no approvals, no cancel. */
  readOnly: boolean;
}

export const RunContext = createContext<RunContextValue | undefined>(undefined);

export const useRunContext = (): RunContextValue => {
  const v = useContext(RunContext);
  if (!v) throw new Error('useRunContext outside a run view');
  return v;
};
