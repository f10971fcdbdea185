export * from './queries.ts';
export * from './use-run.ts';
