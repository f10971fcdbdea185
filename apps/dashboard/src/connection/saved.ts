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

let loginProblem: string | undefined;
/** Why the login URL this page was opened with did not sign it in, if it did not; for the app to say. */
export const loginUrlProblem = (): string | undefined => loginProblem;

/** Why `token` cannot sign in to `origin`, or undefined when `/api/me` accepts it. */
const refusal = async (origin: string, token: string): Promise<string | undefined> => {
  const host = new URL(origin).host;
  try {
    const res = await fetch(`${origin}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    if (res.ok) return undefined;
    return res.status === 401
      ? `The login link was refused by ${host}: its token is wrong, revoked or rotated.`
      : `The login link could not be checked: ${host} answered ${res.status}.`;
  } catch {
    return `The login link could not be checked: ${host} did not answer.`;
  }
};

/**
 * The login URL the server prints (`/?token=…`) signs this browser in to that server, once the
 * server has accepted the token (`/api/me`); a refused one is not saved, so the connection this
 * browser had is kept. Runs before the app starts (main.tsx), so the connection store starts signed
 * in and the first requests carry the token. The token leaves the address bar first, either way.
 */
export const adoptLoginUrl = async (): Promise<void> => {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (!token) return;
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  loginProblem = await refusal(url.origin, token);
  if (!loginProblem) rememberConnection({ serverUrl: url.origin, token });
};
