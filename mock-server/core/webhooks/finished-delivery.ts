import type { WebhookDeliveryState, WebhookFault } from '../../../contracts/index.js';
import type { DeliveryRecord, LogLine } from './delivery-record.js';
import type { Links } from './linked-list.js';

/**
 * Estimated memory of a finished delivery beyond its strings: the object, its two times, its links in the account's
 * log and in the two queues of finished deliveries. Measured on Node 20: 50,000 delivered deliveries took ~335 bytes
 * of heap each, strings included (~960 when the whole pending record stayed in the log).
 */
export const FINISHED_OVERHEAD_BYTES = 256;

/** A finished delivery keeps at most this much of its last error (the log shows it), cut with an ellipsis. */
export const LAST_ERROR_MAX_CHARS = 256;

/**
 * A delivery that is final (delivered, failed or dropped): only what the delivery log shows, nothing it does not
 * (no body, signature or signing key id), so each one is small and of bounded size.
 */
export class FinishedDelivery {
  /** Neighbours in the account's delivery log. */
  prev: LogLine | undefined = undefined;
  next: LogLine | undefined = undefined;
  /** Neighbours in the order deliveries finished: the account's, and all accounts'. */
  readonly inAccount: Links<FinishedDelivery> = { prev: undefined, next: undefined };
  readonly overall: Links<FinishedDelivery> = { prev: undefined, next: undefined };
  readonly account: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly url: string;
  readonly state: WebhookDeliveryState;
  readonly fault: WebhookFault | undefined;
  readonly attempts: number;
  readonly lastStatus: number | undefined;
  readonly lastError: string | undefined;
  readonly firstAttemptAt: number | undefined;
  readonly lastAttemptAt: number | undefined;
  /** What it counts against the caps on finished deliveries: strings counted as if it held its own copies. */
  readonly bytes: number;

  constructor(record: DeliveryRecord) {
    this.account = record.account;
    this.eventId = record.eventId;
    this.eventType = record.eventType;
    this.url = record.url;
    this.state = record.state;
    this.fault = record.fault;
    this.attempts = record.attempts;
    this.lastStatus = record.lastStatus;
    this.lastError = record.lastError === undefined ? undefined : excerpt(record.lastError);
    this.firstAttemptAt = record.firstAttemptAt;
    this.lastAttemptAt = record.lastAttemptAt;
    this.bytes =
      FINISHED_OVERHEAD_BYTES +
      this.eventId.length +
      this.eventType.length +
      this.url.length +
      (this.lastError?.length ?? 0);
  }
}

/** The first LAST_ERROR_MAX_CHARS characters, copied: a slice alone would keep the whole message alive. */
export function excerpt(message: string): string {
  if (message.length <= LAST_ERROR_MAX_CHARS) return message;
  return Buffer.from(`${message.slice(0, LAST_ERROR_MAX_CHARS - 1)}…`, 'utf8').toString('utf8');
}
