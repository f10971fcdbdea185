import type { DagSpecInput, DecisionBody } from '@laneflow/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RunListQuery, RunTransport, StartRunInput } from '../transport.ts';

const transportIds = new WeakMap<RunTransport, number>();
let nextId = 0;
/** Query keys are scoped per transport, so a server's runs never mix with the browser's. */
const scope = (t: RunTransport) => {
  const id = transportIds.get(t) ?? nextId++;
  transportIds.set(t, id);
  return `${t.kind}:${id}`;
};

export const laneflowKeys = {
  dags: (t: RunTransport) => ['laneflow', scope(t), 'dags'] as const,
  dag: (t: RunTransport, id: string) => ['laneflow', scope(t), 'dags', id] as const,
  runs: (t: RunTransport, q?: RunListQuery) => ['laneflow', scope(t), 'runs', q ?? {}] as const,
  approvals: (t: RunTransport) => ['laneflow', scope(t), 'approvals'] as const,
};

export const useDags = (t: RunTransport) =>
  useQuery({ queryKey: laneflowKeys.dags(t), queryFn: () => t.listDags() });

export const useDag = (t: RunTransport, id: string | undefined) =>
  useQuery({
    queryKey: laneflowKeys.dag(t, id ?? ''),
    queryFn: () => t.getDag(id as string),
    enabled: id !== undefined,
  });

export const useRuns = (t: RunTransport, q?: RunListQuery, refetchIntervalMs = 2000) =>
  useQuery({
    queryKey: laneflowKeys.runs(t, q),
    queryFn: () => t.listRuns(q),
    refetchInterval: refetchIntervalMs,
  });

export const useApprovalInbox = (t: RunTransport, refetchIntervalMs = 2000) =>
  useQuery({
    queryKey: laneflowKeys.approvals(t),
    queryFn: () => t.approvals('pending'),
    refetchInterval: refetchIntervalMs,
  });

export const useSaveDag = (t: RunTransport) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (spec: DagSpecInput) => t.saveDag(spec),
    onSuccess: () => qc.invalidateQueries({ queryKey: laneflowKeys.dags(t) }),
  });
};

export const useStartRun = (t: RunTransport) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: StartRunInput) => t.startRun(input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['laneflow', scope(t), 'runs'] }),
  });
};

export const useDecide = (t: RunTransport) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { runId: string; approvalId: string; decision: DecisionBody }) =>
      t.decide(v.runId, v.approvalId, v.decision),
    onSuccess: () => qc.invalidateQueries({ queryKey: laneflowKeys.approvals(t) }),
  });
};

export const useCancelRun = (t: RunTransport) =>
  useMutation({ mutationFn: (v: { runId: string; reason?: string }) => t.cancelRun(v.runId, v.reason) });
