import { laneflowKeys } from '@laneflow/sdk/react';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { localTransport, remoteTransport, useConnection } from '../connection/store.ts';
import { useApprovalNotifications } from './notifications.ts';

/**
 * How many approvals wait for a decision, in this browser and on the server, polled like the inbox
 * (same queries, so the inbox and this count agree); the page title says it too, so a person in
 * another tab sees it, and (opted in) a browser notification announces each new one.
 */
export const useWaitingCount = (): number => {
  const server = useConnection((s) => s.server);
  const local = localTransport();
  const remote = server && remoteTransport(server);
  const here = useQuery({
    queryKey: laneflowKeys.approvals(local),
    queryFn: () => local.approvals('pending'),
    refetchInterval: 2000,
  });
  const there = useQuery({
    queryKey: remote ? laneflowKeys.approvals(remote) : ['laneflow', 'no-server', 'approvals'],
    queryFn: () => (remote ? remote.approvals('pending') : []),
    enabled: remote !== undefined,
    refetchInterval: 2000,
  });
  const count = (here.data?.length ?? 0) + (remote ? (there.data?.length ?? 0) : 0);
  useApprovalNotifications(here.data);
  useApprovalNotifications(remote ? there.data : undefined);
  useEffect(() => {
    document.title = count > 0 ? `(${count}) laneflow` : 'laneflow';
  }, [count]);
  return count;
};
