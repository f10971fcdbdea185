import { createRemoteTransport } from '@laneflow/sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adoptLoginUrl,
  forgetConnection,
  loginUrlProblem,
  rememberConnection,
  savedConnection,
} from '../src/connection/saved.ts';
import { preloadingFetch, preloadRoute } from '../src/preload.ts';

const record = {
  id: 'big-dag',
  version: 3,
  updatedAt: '2026-11-24T00:00:00.000Z',
  spec: { id: 'big-dag', nodes: [{ id: 'a', kind: 'llm', prompt: 'Hi' }], edges: [] },
};
const server = { serverUrl: 'http://lf.test', token: 'tok-1' };
let fetches: Array<{ url: string; auth: string | null }>;

beforeEach(() => {
  fetches = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      fetches.push({ url, auth: new Headers(init?.headers).get('authorization') });
      return new Response(JSON.stringify(record), { headers: { 'content-type': 'application/json' } });
    }),
  );
  rememberConnection(server);
  window.history.replaceState(null, '', '/#/editor/big-dag');
});
afterEach(() => {
  vi.unstubAllGlobals();
  forgetConnection();
});

describe('preloading the opening page’s DAG', () => {
  it('asks once, before the app, and the SDK’s getDag takes that response', async () => {
    preloadRoute();
    expect(fetches).toEqual([{ url: 'http://lf.test/api/dags/big-dag', auth: 'Bearer tok-1' }]);
    const sdk = createRemoteTransport({
      baseUrl: server.serverUrl,
      token: server.token,
      fetch: preloadingFetch,
    });
    expect((await sdk.getDag('big-dag')).version).toBe(3);
    expect(fetches).toHaveLength(1);
    // Taken once: the next read is a fresh request.
    await sdk.getDag('big-dag');
    expect(fetches).toHaveLength(2);
  });

  it('is not taken by a request with other credentials or for another DAG', async () => {
    preloadRoute();
    const other = createRemoteTransport({
      baseUrl: server.serverUrl,
      token: 'tok-2',
      fetch: preloadingFetch,
    });
    await other.getDag('big-dag');
    await other.getDag('small-dag');
    expect(fetches.map((f) => f.auth)).toEqual(['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-2']);
  });

  it('asks for nothing on other pages or without a server', () => {
    window.history.replaceState(null, '', '/#/runs');
    preloadRoute();
    window.history.replaceState(null, '', '/#/editor/big-dag');
    forgetConnection();
    preloadRoute();
    expect(fetches).toEqual([]);
  });

  it('signs in from the login URL once the server accepts its token, and removes the token from it', async () => {
    forgetConnection();
    window.history.replaceState(null, '', '/?token=tok-9#/editor/big-dag');
    await adoptLoginUrl();
    expect(fetches).toEqual([{ url: `${window.location.origin}/api/me`, auth: 'Bearer tok-9' }]);
    expect(savedConnection()).toEqual({ serverUrl: window.location.origin, token: 'tok-9' });
    expect(loginUrlProblem()).toBeUndefined();
    expect(window.location.href).not.toContain('token=');
    expect(window.location.hash).toBe('#/editor/big-dag');
  });

  it('keeps the connection it had when the login URL’s token is refused, and says why', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{}', { status: 401 })),
    );
    window.history.replaceState(null, '', '/?token=expired#/runs');
    await adoptLoginUrl();
    expect(savedConnection()).toEqual(server);
    expect(loginUrlProblem()).toMatch(/refused by .*: its token is wrong, revoked or rotated/);
    expect(window.location.href).not.toContain('token=');
  });
});
