import type { WebhookSubscription } from '../../../contracts/index.js';
import type { ArmedFault, OutgoingEvent } from './account-webhooks.js';
import type { Attempted } from './attempt-delivery.js';
import type { DeliveryFields } from './delivery-record.js';

// Issue 15: the webhook delivery state that several instances share (docs/guides/scale-out.md): each account's admin
// subscription, armed fault, deliveries (queue and log) and the schedule of their attempts, with a lease so that
// each attempt is made by exactly one instance. SharedWebhookDispatcher drives it; the Redis implementation lives in
// io/redis. In one process, WebhookDispatcher keeps all of this itself, synchronously.

/** One delivery as the shared schedule keeps it (JSON): the attempt's fields and the log's. */
export interface ScheduledDelivery extends Attempted, DeliveryFields {
  /** Unique in the account, in enqueue order. */
  id: string;
  /** Its place on the schedule (its order, then its id), while pending and not held. */
  member?: string;
  order: number;
  held?: boolean;
  /** Pending bytes it counts (0 once final). */
  charged: number;
}

/** What became of an event offered to the queue, per webhook. */
export interface Enqueued {
  /** Webhooks the event was queued for. */
  queued: number;
  /** Older pending deliveries dropped to make room for its bytes. */
  dropped: number;
  /** Why it was not queued for the others: 'entries' (the log is full of pending ones) or 'bytes' (all in flight). */
  refused: ('entries' | 'bytes')[];
}

/**
 * - `claimed`: this instance makes the delivery's next attempt, under the account's lease;
 * - `busy`: another instance is making one of the account's attempts (an account's go out one at a time, in order);
 * - `idle`: nothing due; `pending` deliveries wait for later (0: the account has no work left).
 */
export type ScheduleClaim =
  | { kind: 'claimed'; delivery: ScheduledDelivery }
  | { kind: 'busy' }
  | { kind: 'idle'; pending: number };

export interface ScheduleLimits {
  /** Deliveries in an account's log (finished ones make room; pending ones never do). */
  entriesPerAccount: number;
  /** Bytes of an account's pending deliveries (the oldest are dropped to make room). */
  pendingBytesPerAccount: number;
}

export interface DeliverySchedule {
  subscription(account: string): Promise<WebhookSubscription | undefined>;
  /** Sets or (undefined) removes the admin subscription; true when there was one. */
  setSubscription(account: string, subscription: WebhookSubscription | undefined): Promise<boolean>;
  armFault(account: string, fault: ArmedFault): Promise<void>;
  /**
   * Queues one event (one signed copy per webhook) under the fault armed for the account, which it uses up, due at
   * `now` on the account clock; `stamp` (real time) marks the account as one with work, before the event is written.
   */
  enqueue(account: string, events: OutgoingEvent[], now: number, stamp: number): Promise<Enqueued>;
  /** Takes the account's earliest due attempt (due at `now`) under a lease of `leaseMs` real milliseconds. */
  claim(account: string, now: number, owner: string, leaseMs: number): Promise<ScheduleClaim>;
  /**
   * Records the attempt's outcome (the delivery as it now is) and lets go of the lease: a pending delivery goes back
   * on the schedule at its next attempt, a final one joins the finished. `lease-lost`: the lease expired and the
   * attempt may be made again by another instance.
   */
  complete(account: string, owner: string, delivery: ScheduledDelivery): Promise<'completed' | 'lease-lost'>;
  /** The newest `limit` deliveries after the newest `offset`, oldest first, and how many the log holds. */
  page(account: string, limit: number, offset: number): Promise<{ deliveries: ScheduledDelivery[]; total: number }>;
  /** The accounts that may have work, each with the stamp of its last event. */
  accounts(): Promise<{ account: string; stamp: number }[]>;
  /** Takes an account without work off the list, unless an event came since `stamp` or `stamp` is after `before`. */
  forget(account: string, stamp: number, before: number): Promise<void>;
  /** Forgets the account's subscription, fault, queue and log. */
  reset(account: string): Promise<void>;
}
