// Klarna "retries at increasing intervals for up to 12 h", then the notification is permanently failed
// (reference §7.1, https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks).
// The intervals are not published: these are a simulator choice (docs/simulator-choices.md#webhook-delivery).
//
// Hand-written rather than a retry library (p-retry, exponential-backoff): those wait on real timers and retry a
// promise in place, while a delivery here falls due on its account's simulator clock, which /__mock/clock moves
// (the dispatcher owns no timer and is pumped). So the schedule is a pure function of the first attempt, the count
// and the horizon, and a test moves a clock instead of sleeping.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Wait after the 1st, 2nd, … failed attempt; the last one repeats. */
export const RETRY_DELAYS_MS: readonly number[] = [
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
];

export const DEFAULT_RETRY_HORIZON_MS = 12 * HOUR;

const HEAD_SUM = RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
const TAIL_MS = RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1] ?? HOUR;

/** How long after the first attempt attempt number `attempts + 1` is due. */
function offsetAfter(attempts: number): number {
  if (attempts <= 0) return 0;
  if (attempts > RETRY_DELAYS_MS.length) return HEAD_SUM + (attempts - RETRY_DELAYS_MS.length) * TAIL_MS;
  return RETRY_DELAYS_MS.slice(0, attempts).reduce((sum, ms) => sum + ms, 0);
}

/**
 * When the next attempt is due, after `attempts` attempts that began at `firstAttemptAt`; undefined when the
 * delivery has had its last chance. A slot that would fall past the horizon is pulled back to the horizon, so the
 * last retry happens exactly `horizonMs` after the first attempt.
 */
export function nextAttemptAt(
  firstAttemptAt: number,
  attempts: number,
  horizonMs: number = DEFAULT_RETRY_HORIZON_MS,
): number | undefined {
  const offset = offsetAfter(attempts);
  if (offset <= horizonMs) return firstAttemptAt + offset;
  return offsetAfter(attempts - 1) < horizonMs ? firstAttemptAt + horizonMs : undefined;
}
