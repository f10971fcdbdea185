import {
  createIndexedDbStore,
  createLocalTransport,
  createRemoteTransport,
  createWorkerTransport,
  type RemoteTransport,
  type RunTransport,
} from '@laneflow/sdk';
import { create } from 'zustand';

const KEY = 'laneflow.connection';

interface Saved {
  serverUrl: string;
  token: string;
}

const load = (): Saved | undefined => {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Saved) : undefined;
  } catch {
    return undefined;
  }
};

export interface ConnectionState {
  /** The server this browser is signed in to, remembered in localStorage. */
  server: Saved | undefined;
  /** Where new runs go by default. */
  target: 'local' | 'remote';
  connect(serverUrl: string, token: string): void;
  disconnect(): void;
  setTarget(t: 'local' | 'remote'): void;
}

export const useConnection = create<ConnectionState>((set) => ({
  server: load(),
  target: load() ? 'remote' : 'local',
  connect(serverUrl, token) {
    const server = { serverUrl: serverUrl.replace(/\/$/, ''), token };
    localStorage.setItem(KEY, JSON.stringify(server));
    set({ server, target: 'remote' });
  },
  disconnect() {
    localStorage.removeItem(KEY);
    set({ server: undefined, target: 'local' });
  },
  setTarget: (target) => set({ target }),
}));

/** The login URL the server prints (`/?token=…`) signs this browser in to that server. */
export const adoptLoginUrl = (): void => {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (!token) return;
  useConnection.getState().connect(url.origin, token);
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
};

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
    t = createRemoteTransport({ baseUrl: server.serverUrl, token: server.token });
    remotes.set(key, t);
  }
  return t;
};

/** The transport for `mode`, or undefined when remote is asked for without a server. */
export const transportFor = (
  mode: 'local' | 'remote',
  server: Saved | undefined,
): RunTransport | undefined => {
  if (mode === 'local') return localTransport();
  return server ? remoteTransport(server) : undefined;
};

export const useTransport = (mode: 'local' | 'remote'): RunTransport | undefined =>
  transportFor(
    mode,
    useConnection((s) => s.server),
  );
