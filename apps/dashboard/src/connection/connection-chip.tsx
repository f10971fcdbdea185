import { HttpError } from '@laneflow/sdk';
import { hrefFor } from '../route.ts';
import { useConnection } from './store.ts';
import { useMe } from './use-me.ts';

/** Where runs go and who is signed in there (name and role, checked with the server), and sign out. */
export const ConnectionChip = () => {
  const server = useConnection((s) => s.server);
  const disconnect = useConnection((s) => s.disconnect);
  const me = useMe();
  const refused = me.error instanceof HttpError && me.error.status === 401;
  const colour = !server ? '#94a3b8' : me.data ? '#16a34a' : me.error ? '#dc2626' : '#d97706';
  return (
    <>
      <a href={hrefFor({ page: 'connect' })} className="lf-chip" data-testid="connection">
        <span className="lf-badge-dot" style={{ background: colour }} />
        {server ? server.serverUrl.replace(/^https?:\/\//, '') : 'Not connected · runs in this browser'}
        {me.data && (
          <span data-testid="signed-in-as">
            {' '}
            · {me.data.name} ({me.data.role})
          </span>
        )}
        {server && me.error && (
          <span style={{ color: 'var(--error-text)' }}>
            {' '}
            · {refused ? 'token refused: sign in again' : 'server unreachable'}
          </span>
        )}
      </a>
      {server && (
        <button type="button" onClick={disconnect}>
          Sign out
        </button>
      )}
    </>
  );
};
