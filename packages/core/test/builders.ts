/** Hand-written signal streams for example-based tests: seq and `at` are stamped in order. */
import {
  type EscalationRequest,
  makeSignal,
  type Signal,
  type SignalDraftOf,
  type SignalOf,
  type SignalType,
  withSeq,
} from '../src/index.ts';

type NodeType = Exclude<SignalType, `run.${string}`>;
type RunType = Extract<SignalType, `run.${string}`>;
type Stamped = 'type' | 'runId' | 'seq' | 'at';

export const T0 = Date.parse('2025-03-01T12:00:00.000Z');

/** `at` of the signal stamped with `seq` by {@link runLog}: one second apart. */
export const atOf = (seq: number): string => new Date(T0 + seq * 1000).toISOString();

/**
 * A run's log: every call stamps the next seq (1, 2, 3 …) and an `at` one second later.
 * `node(type, nodeId, fields, attempt = 1)` builds a node signal, `run(type, fields)` a run signal.
 */
export const runLog = (runId = 'run-1') => {
  let seq = 0;
  const stamp = <T extends SignalType>(type: T, fields: object): SignalOf<T> => {
    seq++;
    const draft = makeSignal(type, { runId, at: atOf(seq), ...fields } as Omit<SignalDraftOf<T>, 'type'>);
    return withSeq(draft as never, seq) as unknown as SignalOf<T>;
  };
  return {
    runId,
    get seq() {
      return seq;
    },
    run: <T extends RunType>(type: T, fields: Omit<SignalOf<T>, Stamped>): SignalOf<T> => stamp(type, fields),
    node: <T extends NodeType>(
      type: T,
      nodeId: string,
      fields: Omit<SignalOf<T>, Stamped | 'nodeId' | 'attempt'>,
      attempt = 1,
    ): SignalOf<T> => stamp(type, { nodeId, attempt, ...fields }),
  };
};

/** A plain signal for lane tests, where seq and `at` do not matter. */
export const sig = <T extends NodeType>(
  type: T,
  fields: Omit<SignalOf<T>, Stamped | 'nodeId' | 'attempt'>,
  attempt = 1,
  nodeId = 'a',
): Signal => ({ type, runId: 'run-1', seq: 1, at: atOf(1), nodeId, attempt, ...fields }) as unknown as Signal;

export const request = (over: Partial<EscalationRequest> = {}): EscalationRequest => ({
  reason: 'stuck',
  trigger: 'low_confidence',
  urgency: 'blocked',
  fromTier: 0,
  ...over,
});

/** Structural clone that keeps Maps, arrays, plain objects and `undefined`-valued keys. */
export const deepClone = <T>(value: T): T => {
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [deepClone(k), deepClone(v)])) as T;
  }
  if (Array.isArray(value)) return value.map(deepClone) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: deepClone(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return value;
};
