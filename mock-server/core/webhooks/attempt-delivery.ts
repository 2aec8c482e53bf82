import { type AttemptOutcome, attemptOutcome } from './attempt-outcome.js';
import type { DeliveryRecord } from './delivery-record.js';

/** One attempt: resolves to the HTTP status. `signal` fires when the simulator closes: give up at once. */
export type Post = (
  url: string,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
) => Promise<number>;

/** What an attempt reads and records: a pending delivery in this process, or one claimed from a shared schedule. */
export type Attempted = Pick<
  DeliveryRecord,
  | 'url'
  | 'body'
  | 'signature'
  | 'signingKeyId'
  | 'inFlight'
  | 'attempts'
  | 'state'
  | 'firstAttemptAt'
  | 'lastAttemptAt'
  | 'nextAttemptAt'
  | 'lastStatus'
  | 'lastError'
>;

/**
 * Makes one attempt of a delivery at `at` (the account clock) and records it on the record: the status or the
 * network error, then delivered, failed, or the time of the next try. The record is marked in flight meanwhile.
 */
export async function attemptDelivery(
  record: Attempted,
  post: Post,
  at: number,
  horizonMs: number,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  record.inFlight = true;
  record.attempts += 1;
  record.firstAttemptAt ??= at;
  record.lastAttemptAt = at;
  record.nextAttemptAt = undefined;
  let status: number | undefined;
  try {
    // Headers named as in Klarna's signature steps (reference §7.1).
    status = await post(
      record.url,
      record.body ?? '',
      {
        'Content-Type': 'application/json',
        'Klarna-Signature': record.signature,
        'Klarna-Signing-Key-Id': record.signingKeyId,
      },
      signal,
    );
    record.lastStatus = status;
    record.lastError = undefined;
  } catch (error) {
    record.lastStatus = undefined;
    record.lastError = error instanceof Error ? error.message : String(error);
  } finally {
    record.inFlight = false;
  }
  const outcome = attemptOutcome({
    status,
    firstAttemptAt: record.firstAttemptAt,
    attempts: record.attempts,
    horizonMs,
  });
  record.state = outcome.state;
  if (outcome.state === 'pending') record.nextAttemptAt = outcome.nextAttemptAt;
  else record.body = undefined;
  return outcome;
}
