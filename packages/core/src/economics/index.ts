export * from './history.ts';
export * from './observe.ts';
export * from './policy.ts';
export * from './summary.ts';
export * from './tier-reason.ts';
export * from './work-hash.ts';
