/** Ways to get a transport for the shared contract suite, each with its own cleanup. */
import { defaultLadder } from '@laneflow/core';
import { startServer } from '@laneflow/server';
import {
  createLocalTransport,
  createRemoteTransport,
  createWorkerTransport,
  type RunTransport,
  serveTransport,
} from '../src/index.ts';

export interface TransportUnderTest {
  transport: RunTransport;
  close(): Promise<void>;
}
export type TransportFactory = () => Promise<TransportUnderTest>;

export const TOKEN = 'lf_sdk_test_token';

/** The core engine in this process, memory storage. */
export const localFactory: TransportFactory = async () => ({
  transport: createLocalTransport(),
  close: async () => {},
});

/**
 * The worker protocol over a `MessageChannel`: the same code that runs in a Web Worker
 * (`serveTransport` on one port, `createWorkerTransport` on the other), without a browser.
 */
export const workerChannelFactory: TransportFactory = async () => {
  const { port1, port2 } = new MessageChannel();
  const stop = serveTransport(createLocalTransport(), port2 as never);
  const transport = createWorkerTransport(port1 as never);
  return {
    transport,
    async close() {
      transport.dispose();
      stop();
      port1.close();
      port2.close();
    },
  };
};

/** A real server (startServer: Hono + PGlite in memory) on a free port, reached over HTTP. */
export const remoteFactory: TransportFactory = async () => {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: 'memory://',
    ladder: defaultLadder,
    corsOrigins: [],
    maxBodyBytes: 1_048_576,
    tokensEnv: `sdk:admin:${TOKEN}`,
    loadExamples: false,
    heartbeatMs: 1000,
  });
  return {
    transport: createRemoteTransport({ baseUrl: server.url, token: TOKEN }),
    close: () => server.close(),
  };
};
