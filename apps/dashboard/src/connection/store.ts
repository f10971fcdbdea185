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
 * The in-browser engine, in a Web Worker so a big run never blocks the page; DAGs and finished runs
 * survive a reload in IndexedDB. Without Worker support (tests) it runs in-process.
 */
export const localTransport = (): RunTransport => {
  local ??=
    typeof Worker === 'undefined'
      ? createLocalTransport({
          store: typeof indexedDB === 'undefined' ? undefined : createIndexedDbStore('laneflow'),
          user: 'you',
        })
      : createWorkerTransport(
          new Worker(new URL('@laneflow/sdk/worker-entry', import.meta.url), {
            type: 'module',
            name: 'laneflow-engine',
          }),
        );
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
