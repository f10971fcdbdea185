export * from './errors.ts';
export * from './local.ts';
export * from './local-store.ts';
export * from './remote.ts';
export { defaultReconnect, type ReconnectPolicy, watchRemote } from './remote-watch.ts';
export type { RunLock } from './run-lock.ts';
export * from './run-store.ts';
export * from './transport.ts';
export * from './worker/index.ts';
