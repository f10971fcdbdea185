import '@xyflow/react/dist/style.css';
import './styles.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { adoptLoginUrl, transportFor, useConnection } from './connection/store.ts';
import { prefetchDag } from './editor/open-dag.ts';
import { parseRoute } from './router.ts';

adoptLoginUrl();
const route = parseRoute(window.location.hash);
if (route.page === 'editor' && route.dagId !== undefined) {
  const { target, server } = useConnection.getState();
  const transport = transportFor(target, server);
  if (transport) prefetchDag(transport, route.dagId);
}
const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
