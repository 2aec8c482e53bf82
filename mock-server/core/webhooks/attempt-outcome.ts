import { nextAttemptAt } from './retry-schedule.js';

// Klarna asks receivers to answer 200, 201, 202 or 204 (reference §7.1); any other status, 2xx included, is retried.
export const DELIVERED_STATUSES: ReadonlySet<number> = new Set([200, 201, 202, 204]);

export type AttemptOutcome = { state: 'delivered' } | { state: 'pending'; nextAttemptAt: number } | { state: 'failed' };

export interface AttemptResult {
  /** The HTTP status, or undefined after a network error. */
  status: number | undefined;
  firstAttemptAt: number;
  /** Attempts made, this one included. */
  attempts: number;
  horizonMs: number;
}

/** What one attempt leaves behind: delivered, another try on the schedule, or failed for good. */
export function attemptOutcome(result: AttemptResult): AttemptOutcome {
  if (result.status !== undefined && DELIVERED_STATUSES.has(result.status)) return { state: 'delivered' };
  const next = nextAttemptAt(result.firstAttemptAt, result.attempts, result.horizonMs);
  return next === undefined ? { state: 'failed' } : { state: 'pending', nextAttemptAt: next };
}
