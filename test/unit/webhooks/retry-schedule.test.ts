import { describe, expect, it } from 'vitest';
import { attemptOutcome } from '../../../mock-server/core/webhooks/attempt-outcome.js';
import { DEFAULT_RETRY_HORIZON_MS, nextAttemptAt } from '../../../mock-server/core/webhooks/retry-schedule.js';
import { HOUR, MINUTE, SECOND } from './harness.js';

const T0 = 1_000_000;

describe('the retry schedule', () => {
  it.each([
    [0, 0],
    [1, 30 * SECOND],
    [2, 90 * SECOND],
    [3, 6 * MINUTE + 30 * SECOND],
    [4, 21 * MINUTE + 30 * SECOND],
    [5, 51 * MINUTE + 30 * SECOND],
    [6, HOUR + 51 * MINUTE + 30 * SECOND],
    [7, 3 * HOUR + 51 * MINUTE + 30 * SECOND],
    [8, 5 * HOUR + 51 * MINUTE + 30 * SECOND],
    [11, 11 * HOUR + 51 * MINUTE + 30 * SECOND],
    [12, 12 * HOUR],
  ])('after %i attempts, the next is due %i ms after the first', (attempts, offset) => {
    expect(nextAttemptAt(T0, attempts)).toBe(T0 + offset);
  });

  it('gives up after the attempt at the 12-hour horizon', () => {
    expect(DEFAULT_RETRY_HORIZON_MS).toBe(12 * HOUR);
    expect(nextAttemptAt(T0, 13)).toBeUndefined();
    expect(nextAttemptAt(T0, 50)).toBeUndefined();
  });

  it('grows the delay between attempts, then keeps it at 2 hours', () => {
    const times = Array.from({ length: 12 }, (_, n) => nextAttemptAt(0, n) ?? Number.NaN);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps).toEqual([
      30 * SECOND,
      MINUTE,
      5 * MINUTE,
      15 * MINUTE,
      30 * MINUTE,
      HOUR,
      2 * HOUR,
      2 * HOUR,
      2 * HOUR,
      2 * HOUR,
      2 * HOUR,
    ]);
  });

  it.each([
    ['a horizon of 0: one attempt only', 0, [0]],
    ['a horizon of 1 minute: the last retry pulled back to it', MINUTE, [0, 30 * SECOND, MINUTE]],
    ['a horizon on a slot: no extra attempt', 90 * SECOND, [0, 30 * SECOND, 90 * SECOND]],
  ])('honours %s', (_case, horizon, expected) => {
    const attempts: number[] = [];
    for (let n = 0, at = nextAttemptAt(0, 0, horizon); at !== undefined; n += 1, at = nextAttemptAt(0, n, horizon)) {
      attempts.push(at);
    }
    expect(attempts).toEqual(expected);
  });

  it('allows a longer horizon, with attempts every 2 hours', () => {
    expect(nextAttemptAt(0, 20, 72 * HOUR)).toBe(3 * HOUR + 51 * MINUTE + 30 * SECOND + 13 * 2 * HOUR);
  });
});

describe('the outcome of one attempt', () => {
  const schedule = { firstAttemptAt: T0, attempts: 1, horizonMs: DEFAULT_RETRY_HORIZON_MS };

  it.each([200, 201, 202, 204])('counts %i as delivered', (status) => {
    expect(attemptOutcome({ ...schedule, status })).toEqual({ state: 'delivered' });
  });

  it.each<[string, number | undefined]>([
    ['203', 203],
    ['206', 206],
    ['301', 301],
    ['400', 400],
    ['404', 404],
    ['429', 429],
    ['500', 500],
    ['503', 503],
    ['a network error', undefined],
  ])('retries after %s, 30 seconds after the first attempt', (_case, status) => {
    expect(attemptOutcome({ ...schedule, status })).toEqual({ state: 'pending', nextAttemptAt: T0 + 30 * SECOND });
  });

  it('fails for good when the horizon is spent', () => {
    expect(attemptOutcome({ ...schedule, attempts: 13, status: 500 })).toEqual({ state: 'failed' });
  });
});
