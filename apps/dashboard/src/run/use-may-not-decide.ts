import { roles } from '@laneflow/core';
import type { RunTransport } from '@laneflow/sdk';
import { useMe } from '../connection/use-me.ts';

/**
 * Why the signed-in person may not decide approvals on `transport`, or undefined when they may.
 * The server checks roles itself; this says so before a click is refused. In the browser, anyone may.
 */
export const useMayNotDecide = (transport: RunTransport): string | undefined => {
  const me = useMe();
  const role = transport.kind === 'remote' ? me.data?.role : undefined;
  return role !== undefined && roles.indexOf(role) < roles.indexOf('approver')
    ? `Your role (${role}) may not decide: approvers and admins can.`
    : undefined;
};
