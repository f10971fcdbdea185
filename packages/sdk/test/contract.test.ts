import { transportContract } from './contract.ts';
import { localFactory, remoteFactory, workerChannelFactory } from './transports.ts';

transportContract('local (in-process)', localFactory);
transportContract('worker protocol (MessageChannel)', workerChannelFactory);
transportContract('remote (real server over HTTP)', remoteFactory);
