import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../mock-server/core/iso-time.js';

const native = (ms: number) => new Date(ms).toISOString();
const YEAR_10000 = 253_402_300_800_000;
/** Date's own range: ±8.64e15 ms. */
const DATE_LIMIT = 8.64e15;

describe('isoTime', () => {
  it('writes what toISOString writes at the edges of its fast range and of days', () => {
    const edges = [0, -0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, 951_782_400_000, 1_796_692_021_437];
    const more = [YEAR_10000 - 1, YEAR_10000, YEAR_10000 + 1, -1, -86_400_000, DATE_LIMIT, -DATE_LIMIT, 0.5, 1.999];
    for (const ms of [...edges, ...more]) expect(isoTime(ms), String(ms)).toBe(native(ms));
  });

  it('writes what toISOString writes for any time a Date holds, whole or not, in any order of days', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: YEAR_10000 - 1 }),
          fc.integer({ min: -DATE_LIMIT, max: DATE_LIMIT }),
          fc.double({ min: -DATE_LIMIT, max: DATE_LIMIT, noNaN: true }),
        ),
        (ms) => {
          expect(isoTime(ms)).toBe(native(ms));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('throws as toISOString throws for what is not a time', () => {
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, DATE_LIMIT + 1, -DATE_LIMIT - 1]) {
      expect(() => native(ms)).toThrow(RangeError);
      expect(() => isoTime(ms)).toThrow(RangeError);
    }
  });
});
