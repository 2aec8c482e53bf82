import type {
  WebhookDelivery,
  WebhookFaultRequestInput,
  WebhookPayload,
  WebhookSubscription,
  WebhookSubscriptionRequest,
} from '../../../contracts/index.js';
import type { Awaitable } from '../awaitable.js';
import type { DeliveryPage } from './account-webhooks.js';
import type { WebhookTarget } from './webhook-dispatcher.js';

// Issue 15: the delivery of webhooks (the admin subscription, armed faults, the queue with its retries and the
// delivery log), in this process (WebhookDispatcher, synchronous where it was) or shared by every instance over one
// store (SharedWebhookDispatcher over a DeliverySchedule, where each attempt is made by exactly one instance).

/** What the routes, the timers and the services ask of webhook delivery. */
export interface Webhooks {
  /** Replaces the account's admin subscription; its signing key is in this answer only. */
  subscribe(input: WebhookSubscriptionRequest): Awaitable<WebhookSubscription>;
  subscription(account: string): Awaitable<WebhookSubscription | undefined>;
  /** True when there was a subscription. */
  unsubscribe(account: string): Awaitable<boolean>;
  setFault(input: WebhookFaultRequestInput): Awaitable<void>;
  /**
   * Queues an event for every webhook that wants it; never throws (a failure is reported, not answered). A payload
   * given as a function is rendered only when some webhook wants the event.
   */
  emit(account: string, eventType: string, payload: WebhookPayload | (() => WebhookPayload)): void;
  /** Queues an event for one webhook (Klarna's simulate): its id, or undefined when the queue is full. */
  simulate(
    account: string,
    target: WebhookTarget,
    eventType: string,
    payload: WebhookPayload,
  ): Awaitable<string | undefined>;
  /** Attempts the due deliveries (of one account, or of all). Never rejects. */
  pump(account?: string): Promise<void>;
  deliveryPage(account: string, page?: { limit?: number; offset?: number }): Awaitable<DeliveryPage>;
  /** The deliveries of a page of the account's log (the newest 100 by default), oldest first. */
  deliveries(account: string, page?: { limit?: number; offset?: number }): Awaitable<WebhookDelivery[]>;
  reset(account: string): Awaitable<void>;
  /** Resolves when nothing this instance started is running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
