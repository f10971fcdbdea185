import { localTransport, remoteTransport, useConnection } from '../connection/store.ts';
import { InboxSection } from './inbox-section.tsx';
import { NotifyToggle } from './notify-toggle.tsx';

/** Pending approvals across runs, in this browser and (when signed in) on the server. */
export const InboxPage = () => {
  const server = useConnection((s) => s.server);
  return (
    <div className="lf-page lf-stack">
      <div className="lf-row">
        <h1 className="lf-page-title">Approvals</h1>
        <NotifyToggle />
      </div>
      <InboxSection title="In this browser" mode="local" transport={localTransport()} />
      {server ? (
        <InboxSection
          title={`On the server (${server.serverUrl.replace(/^https?:\/\//, '')})`}
          mode="remote"
          transport={remoteTransport(server)}
        />
      ) : (
        <p className="lf-muted">
          Not connected to a server. <a href="#/connect">Connect</a> to see its approvals too.
        </p>
      )}
    </div>
  );
};
