// A signal's time read the quick way is what Date.parse reads, in any order and any form.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signalTime } from '../src/observe/signal-time.ts';

// Years 1970 to 9999, so toISOString keeps its 24-character form.
const instant = fc.integer({ min: 0, max: 253_402_300_799_999 });

describe('signalTime', () => {
  it('reads toISOString() times as Date.parse does, whichever minute came before', () => {
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (times) => {
        for (const t of times) {
          // The same minute again and again, then a jump: both paths of the reader.
          const near = Math.min(t + 1234, 253_402_300_799_999);
          for (const ms of [t, near]) {
            const at = new Date(ms).toISOString();
            expect(signalTime(at)).toBe(Date.parse(at));
          }
        }
      }),
    );
  });

  it('leaves any other form to Date.parse', () => {
    for (const at of [
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.5+01:00',
      '+010000-01-01T00:00:00.000Z',
      'x',
    ])
      expect(signalTime(at)).toEqual(Date.parse(at));
  });
});
