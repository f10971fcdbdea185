export * from './escalation.ts';
export * from './issues.ts';
export * from './lanes.ts';
export * from './parse-signal.ts';
export * from './projection.ts';
export * from './signals.ts';
export * from './tier.ts';
