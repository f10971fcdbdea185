// Span ids are hashed part by part, never joining the text: they must stay the ids of the joined
// text, or a run resumed by a newer server would end its open spans under other ids.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptSpanIdOf, runSpanIdOf, signalSpanIdOf } from '../src/observe/trace-ids.ts';

/** Two 32-bit FNV-1a hashes of the whole text, with the seeds span ids use, as 16 hex digits. */
const reference = (text: string) => {
  let a = 0x811c9dc5;
  let b = 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ text.charCodeAt(i), 0x01000193);
  }
  const id = (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  return id === '0000000000000000' ? '0000000000000001' : id;
};

describe('span ids', () => {
  it('are the hashes of the text they name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), fc.nat(), (runId, nodeId, n) => {
        expect(runSpanIdOf(runId)).toBe(reference(`run ${runId}`));
        expect(attemptSpanIdOf(runId, nodeId, n)).toBe(reference(`node ${n} ${runId} ${nodeId}`));
        expect(signalSpanIdOf(runId, n)).toBe(reference(`seq ${n} ${runId}`));
      }),
      { numRuns: 500 },
    );
  });

  it('keep the values earlier servers gave them', () => {
    expect([runSpanIdOf('r1'), signalSpanIdOf('r1', 7), attemptSpanIdOf('run-1', 'n1', 1)]).toEqual([
      '6f14212f1cd8b8bf',
      'da4ace2e21fd3d9e',
      '43c72886a4f467d6',
    ]);
  });
});
