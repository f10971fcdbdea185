import type { ApprovalRecord } from '@laneflow/core';
import { useEffect, useRef, useSyncExternalStore } from 'react';

const KEY = 'laneflow.notify-approvals';
const listeners = new Set<() => void>();

/** Whether this browser asked to be notified of new approvals (opt-in, remembered). */
export const notifyOptIn = (): boolean => {
  try {
    return localStorage.getItem(KEY) === '1' && typeof Notification !== 'undefined';
  } catch {
    return false;
  }
};

/**
 * Turns notifications on (asking the browser's permission, which needs this click) or off. Resolves
 * with whether they are on: a refused permission leaves them off.
 */
export const setNotifyOptIn = async (on: boolean): Promise<boolean> => {
  const granted =
    on && typeof Notification !== 'undefined' && (await Notification.requestPermission()) === 'granted';
  localStorage.setItem(KEY, granted ? '1' : '0');
  for (const l of listeners) l();
  return granted;
};

const subscribe = (cb: () => void) => {
  listeners.add(cb);
  return () => {
    listeners.delete(cb);
  };
};

export const useNotifyOptIn = (): boolean => useSyncExternalStore(subscribe, notifyOptIn);

/**
 * Shows a browser notification for each approval that starts waiting while this page is open, once
 * the person opted in. Those already waiting when the page opened are not announced again.
 */
export const useApprovalNotifications = (pending: readonly ApprovalRecord[] | undefined): void => {
  const on = useNotifyOptIn();
  const seen = useRef<Set<string> | undefined>(undefined);
  useEffect(() => {
    if (!pending) return;
    const key = (a: ApprovalRecord) => `${a.runId}/${a.id}`;
    if (!seen.current) {
      seen.current = new Set(pending.map(key));
      return;
    }
    for (const a of pending) {
      if (seen.current.has(key(a))) continue;
      seen.current.add(key(a));
      if (on && Notification.permission === 'granted')
        new Notification('Approval waiting', { body: a.prompt, tag: key(a) });
    }
  }, [pending, on]);
};
