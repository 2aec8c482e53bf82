import { describe, expect, it } from 'vitest';
import { pairedChange } from '../../bench/stats.js';

// How `npm run bench:ab` compares two builds measured in turns. (No timing here.)

describe('pairedChange', () => {
  it('takes the median of the round-by-round changes, not the change of the medians', () => {
    // The machine slows down mid-run: each round's pair moves together, b is 5 % cheaper in every one.
    const a = [100, 100, 200, 200, 200];
    const b = a.map((x) => x * 0.95);
    const change = pairedChange(a, b);
    expect(change.median).toBeCloseTo(-0.05, 10);
    expect([change.min, change.max, change.pairs].map((x) => Number(x.toFixed(10)))).toEqual([-0.05, -0.05, 5]);
  });

  it('reports the spread of the pairs, and leaves out rounds either side could not measure', () => {
    const change = pairedChange([100, 100, Number.NaN, 100, 0], [90, 120, 80, 100, 50]);
    expect(change).toEqual({ median: 0, min: expect.closeTo(-0.1, 10), max: expect.closeTo(0.2, 10), pairs: 3 });
  });

  it('is NaN without a complete pair', () => {
    expect(Number.isNaN(pairedChange([], [1]).median)).toBe(true);
    expect(Number.isNaN(pairedChange([Number.NaN], [1]).min)).toBe(true);
  });
});
