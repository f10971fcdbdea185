import { defaultLadder } from '@laneflow/core';
import { useEffect, useState } from 'react';
import { remoteTransport, useConnection } from '../connection/store.ts';

type Names = ReadonlyArray<{ name: string }>;
/** One request per server and page: a ladder changes only when its server restarts. */
const asked = new Map<string, Promise<Names>>();

/**
 * The ladder a run of the open DAG uses when the DAG brings none: the signed-in server's (which its
 * operator may have set) when runs go there, else the browser engine's default one.
 */
export const useDefaultLadder = (): Names => {
  const server = useConnection((s) => (s.target === 'remote' ? s.server : undefined));
  const [ladder, setLadder] = useState<{ url: string; ladder: Names }>();
  useEffect(() => {
    if (!server) return;
    let pending = asked.get(server.serverUrl);
    if (!pending) {
      pending = remoteTransport(server).ladder();
      asked.set(server.serverUrl, pending);
      // A failed request is asked again next time; meanwhile the default ladder stands in.
      pending.catch(() => asked.delete(server.serverUrl));
    }
    let live = true;
    pending.then(
      (l) => live && setLadder({ url: server.serverUrl, ladder: l }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [server]);
  return server && ladder?.url === server.serverUrl ? ladder.ladder : defaultLadder;
};
