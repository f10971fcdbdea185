import { createRemoteTransport, HttpError, NetworkError } from '@laneflow/sdk';
import { useState } from 'react';
import { remoteTransport, useConnection } from './store.ts';
import { useMe } from './use-me.ts';
import { WebhooksPanel } from './webhooks-panel.tsx';

/** URL + token sign-in; checks both before remembering them. */
export const ConnectPage = () => {
  const { server, connect, disconnect } = useConnection();
  const me = useMe();
  const [url, setUrl] = useState(server?.serverUrl ?? window.location.origin);
  const [token, setToken] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const me = await createRemoteTransport({ baseUrl: url, token }).me();
      connect(url, token);
      setMessage({ ok: true, text: `Signed in to ${url} as ${me.name} (${me.role}).` });
    } catch (err) {
      const text =
        err instanceof NetworkError
          ? `Cannot reach ${url}. Is the server running?`
          : err instanceof HttpError && err.status === 401
            ? 'The server rejected this token.'
            : (err as Error).message;
      setMessage({ ok: false, text });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="lf-page" style={{ maxWidth: 520 }}>
      <h1 className="lf-page-title">Server connection</h1>
      {server && (
        <p>
          Connected to <strong>{server.serverUrl}</strong>.{' '}
          <button type="button" onClick={disconnect}>
            Sign out
          </button>
        </p>
      )}
      <form onSubmit={submit} style={{ display: 'grid', gap: 8 }}>
        <label>
          Server URL
          <input style={{ width: '100%' }} value={url} onChange={(e) => setUrl(e.target.value)} required />
        </label>
        <label>
          Token
          <input
            style={{ width: '100%' }}
            type="password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Connect
        </button>
      </form>
      {message && (
        <p className={message.ok ? '' : 'lf-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <p className="lf-muted">Tip: the login URL the server prints on first start signs you in directly.</p>
      {server && me.data?.role === 'admin' && <WebhooksPanel transport={remoteTransport(server)} />}
    </div>
  );
};
