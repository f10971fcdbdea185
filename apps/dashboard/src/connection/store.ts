import {
  createIndexedDbStore,
  createLocalTransport,
  createRemoteTransport,
  createWorkerTransport,
  type RemoteTransport,
  type RunTransport,
} from '@laneflow/sdk';
import { create } from 'zustand';
import { preloadingFetch } from '../preload.ts';
import { forgetConnection, rememberConnection, type Saved, savedConnection } from './saved.ts';

export interface ConnectionState {
  /** The server this browser is signed in to, remembered in localStorage. */
  server: Saved | undefined;
  /** Where new runs go by default. */
  target: 'local' | 'remote';
  connect(serverUrl: string, token: string): void;
  disconnect(): void;
  setTarget(t: 'local' | 'remote'): void;
}

export const useConnection = create<ConnectionState>((set) => {
  const saved = savedConnection();
  return {
    server: saved,
    target: saved ? 'remote' : 'local',
    connect(serverUrl, token) {
      const server = { serverUrl: serverUrl.replace(/\/$/, ''), token };
      rememberConnection(server);
      set({ server, target: 'remote' });
    },
    disconnect() {
      forgetConnection();
      set({ server: undefined, target: 'local' });
    },
    setTarget: (target) => set({ target }),
  };
});

let local: RunTransport | undefined;
/**
 * The in-browser engine, in a worker so a big run never blocks the page. A SharedWorker where there
 * is one: every tab talks to the same engine, so a second tab follows a run live and decides on it.
 * Runs are committed to IndexedDB as they go and resumed after a reload. Without workers (tests)
 * it runs in-process.
 */
export const localTransport = (): RunTransport => {
  local ??=
    typeof SharedWorker !== 'undefined'
      ? createWorkerTransport(
          new SharedWorker(new URL('@laneflow/sdk/shared-worker-entry', import.meta.url), {
            type: 'module',
            name: 'laneflow-engine',
          }).port,
        )
      : typeof Worker !== 'undefined'
        ? createWorkerTransport(
            new Worker(new URL('@laneflow/sdk/worker-entry', import.meta.url), {
              type: 'module',
              name: 'laneflow-engine',
            }),
          )
        : createLocalTransport({
            store: typeof indexedDB === 'undefined' ? undefined : createIndexedDbStore('laneflow'),
            user: 'you',
          });
  return local;
};

const remotes = new Map<string, RemoteTransport>();
export const remoteTransport = (server: Saved): RemoteTransport => {
  const key = `${server.serverUrl} ${server.token}`;
  let t = remotes.get(key);
  if (!t) {
    t = createRemoteTransport({ baseUrl: server.serverUrl, token: server.token, fetch: preloadingFetch });
    remotes.set(key, t);
  }
  return t;
};

/** The transport for `mode`, or undefined when remote is asked for without a server. */
export const useTransport = (mode: 'local' | 'remote'): RunTransport | undefined => {
  const server = useConnection((s) => s.server);
  if (mode === 'local') return localTransport();
  return server ? remoteTransport(server) : undefined;
};
