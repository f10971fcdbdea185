/** The server this browser signed in to, as remembered in localStorage. */
export interface Saved {
  serverUrl: string;
  token: string;
}

const KEY = 'laneflow.connection';

export const savedConnection = (): Saved | undefined => {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Saved) : undefined;
  } catch {
    return undefined;
  }
};

export const rememberConnection = (server: Saved): void => localStorage.setItem(KEY, JSON.stringify(server));

export const forgetConnection = (): void => localStorage.removeItem(KEY);

/**
 * The login URL the server prints (`/?token=…`) signs this browser in to that server. Runs before
 * the app starts (main.tsx), so the connection store starts signed in and the first requests carry
 * the token.
 */
export const adoptLoginUrl = (): void => {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (!token) return;
  rememberConnection({ serverUrl: url.origin, token });
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
};
