import { useQuery } from '@tanstack/react-query';
import { remoteTransport, useConnection } from './store.ts';

/** Who the saved token signs in as on the server (name, role); an error when the server refuses it. */
export const useMe = () => {
  const server = useConnection((s) => s.server);
  return useQuery({
    queryKey: ['laneflow-me', server?.serverUrl, server?.token],
    queryFn: () => (server ? remoteTransport(server).me() : Promise.reject(new Error('not signed in'))),
    enabled: server !== undefined,
    retry: false,
    staleTime: 60_000,
  });
};
