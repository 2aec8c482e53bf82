import { randomUUID } from 'node:crypto';
import {
  type WebhookDelivery,
  WebhookFaultRequest,
  type WebhookFaultRequestInput,
  type WebhookPayload,
  type WebhookSubscription,
  type WebhookSubscriptionRequest,
} from '../../../contracts/index.js';
import { redactUrl } from '../redact-url.js';
import type { DeliveryPage } from './account-webhooks.js';
import { attemptDelivery, type Post } from './attempt-delivery.js';
import { deliveryView } from './delivery-record.js';
import type { DeliverySchedule, ScheduledDelivery, ScheduleLimits } from './delivery-schedule.js';
import { excerpt } from './finished-delivery.js';
import { newSubscription, payloadOf, signedEvent, subscriptionTarget } from './outgoing-event.js';
import { DEFAULT_RETRY_HORIZON_MS } from './retry-schedule.js';
import { Runs } from './runs.js';
import { DEFAULT_DELIVERY_PAGE, type WebhookTarget } from './webhook-dispatcher.js';
import type { Webhooks } from './webhooks.js';

/** An account without work leaves the list of accounts to poll once its last event is this old (real time). */
const FORGET_AFTER_MS = 60_000;

/** Who hears of an event about an account: its subscription, and the Notifications API webhooks that want it. */
export interface EventTargets {
  subscription: WebhookSubscription | undefined;
  targets: WebhookTarget[];
}

/** Events waiting to be queued, over all accounts, at most: each holds its payload (about a kilobyte). */
export const MAX_WAITING_EVENTS = 10_000;

interface WaitingEvent {
  eventType: string;
  payload: WebhookPayload | (() => WebhookPayload);
}

export interface SharedWebhookDispatcherOptions {
  schedule: DeliverySchedule;
  /** The account's simulator clock, ms: schedules and retries follow it. */
  now: (account: string) => number;
  /** Real time, ms: stamps the accounts with work. */
  realNow: () => number;
  uuid: () => string;
  post: Post;
  horizonMs?: number;
  /** How long an attempt's lease holds (real ms): longer than an attempt may take (the webhook timeout). */
  leaseMs: number;
  limits: ScheduleLimits;
  onError: (message: string) => void;
  /**
   * Who hears of an event: the account's subscription and the Notifications API webhooks that want the event (see
   * WebhookDispatcherOptions.targets), in one read where the store can (one round trip on one Redis server).
   */
  eventTargets: (account: string, eventType: string) => Promise<EventTargets>;
}

/**
 * Webhook delivery shared by every instance over one DeliverySchedule (docs/guides/scale-out.md): an event caused on
 * any instance is queued once, and each attempt is made by exactly one instance, the one whose claim took the
 * account's lease; the outcome and the retry are recorded once. An instance that dies mid-attempt leaves the attempt
 * to whoever claims after its lease. It owns no timer: the app calls `pump()` from its periodic tick (and when a
 * clock moves), and a pump polls every account with work. Failures of the store are reported once per outage; the
 * next pump resumes.
 */
export class SharedWebhookDispatcher implements Webhooks {
  private readonly schedule: DeliverySchedule;
  private readonly horizonMs: number;
  private readonly runs = new Runs();
  /** The drain of each account this instance runs, and whether it was asked to look again. */
  private readonly draining = new Map<string, { run: Promise<void>; again: boolean }>();
  /** Per account, the events waiting to be queued while its earlier ones are (the key is there while that runs). */
  private readonly emitting = new Map<string, WaitingEvent[]>();
  private waitingEvents = 0;
  private dropped = 0;
  private readonly closing = new AbortController();
  private closed = false;
  private failing = false;
  private warnedFull = false;

  constructor(private readonly options: SharedWebhookDispatcherOptions) {
    this.schedule = options.schedule;
    this.horizonMs = options.horizonMs ?? DEFAULT_RETRY_HORIZON_MS;
  }

  async subscribe(input: WebhookSubscriptionRequest): Promise<WebhookSubscription> {
    const subscription = newSubscription(input, this.options.uuid);
    await this.schedule.setSubscription(subscription.account, subscription);
    return subscription;
  }

  subscription(account: string): Promise<WebhookSubscription | undefined> {
    return this.schedule.subscription(account);
  }

  unsubscribe(account: string): Promise<boolean> {
    return this.schedule.setSubscription(account, undefined);
  }

  async setFault(input: WebhookFaultRequestInput): Promise<void> {
    const request = WebhookFaultRequest.parse(input);
    await this.schedule.armFault(request.account, {
      fault: request.fault,
      delayMs: request.delay_ms ?? 0,
      remaining: request.times,
    });
  }

  /**
   * Queues the event in the background, after the account's events emitted before it on this instance (their order
   * is kept as in one process). The events that arrive while the account's earlier ones are being queued wait in one
   * list and are taken together: who hears of them is read once per event type for the lot, not once each, so the
   * list drains as fast as events come (one read each, in turn, fell behind under load and grew without bound). It
   * holds MAX_WAITING_EVENTS at most over all accounts; past that an event is dropped, with a warning.
   */
  emit(account: string, eventType: string, payload: WebhookPayload | (() => WebhookPayload)): void {
    if (this.waitingEvents >= MAX_WAITING_EVENTS) {
      this.dropped += 1;
      if (this.dropped === 1) {
        this.options.onError(
          `more than ${MAX_WAITING_EVENTS} events wait to be queued: events are dropped until they drain`,
        );
      }
      return;
    }
    this.waitingEvents += 1;
    const waiting = this.emitting.get(account);
    if (waiting !== undefined) {
      waiting.push({ eventType, payload });
      return;
    }
    const events = [{ eventType, payload }];
    this.emitting.set(account, events);
    this.track(this.queueEvents(account, events));
  }

  /** Queues the account's waiting events, oldest first, until none waits. Never rejects. */
  private async queueEvents(account: string, events: WaitingEvent[]): Promise<void> {
    while (events.length > 0) {
      const batch = events.splice(0, events.length);
      const reads = new Map<string, Promise<EventTargets>>();
      for (const { eventType } of batch) {
        if (!reads.has(eventType)) reads.set(eventType, this.options.eventTargets(account, eventType));
      }
      for (const { eventType, payload } of batch) {
        try {
          const { subscription, targets } = await (reads.get(eventType) as Promise<EventTargets>);
          const all = subscription === undefined ? targets : [subscriptionTarget(subscription), ...targets];
          if (all.length > 0) await this.send(account, eventType, payloadOf(payload), all);
        } catch (error) {
          this.failed(`webhook ${eventType} for ${account} not queued`, error);
        }
        this.waitingEvents -= 1;
      }
    }
    this.emitting.delete(account);
    if (this.waitingEvents === 0 && this.dropped > 0) {
      this.options.onError(`${this.dropped} events were dropped while too many waited; they drained`);
      this.dropped = 0;
    }
  }

  simulate(
    account: string,
    target: WebhookTarget,
    eventType: string,
    payload: WebhookPayload,
  ): Promise<string | undefined> {
    return this.send(account, eventType, payload, [target]);
  }

  private async send(
    account: string,
    eventType: string,
    payload: WebhookPayload,
    targets: WebhookTarget[],
  ): Promise<string | undefined> {
    const occurredAt = this.options.now(account);
    const eventId = this.options.uuid();
    const events = targets.map((target) => signedEvent({ eventId, eventType, occurredAt, account, payload }, target));
    const enqueued = await this.schedule.enqueue(account, events, occurredAt, this.options.realNow());
    for (const why of enqueued.refused) {
      this.options.onError(
        why === 'entries'
          ? `webhook ${eventType} ${eventId} for ${account} not queued: ${this.options.limits.entriesPerAccount} deliveries pending`
          : `webhook ${eventType} ${eventId} for ${account} not queued: pending bytes full, all in flight`,
      );
    }
    if (enqueued.dropped > 0 && !this.warnedFull) {
      this.warnedFull = true;
      this.options.onError(
        `pending webhooks of ${account} over ${this.options.limits.pendingBytesPerAccount} bytes: the oldest are dropped, as the delivery log shows`,
      );
    }
    if (enqueued.queued === 0) return undefined;
    void this.pump(account);
    return eventId;
  }

  /**
   * Attempts what is due: of one account, or of every account with work. Each account's attempts go out one at a time
   * over all instances; a pump for an account this instance is draining asks that drain to look again.
   */
  pump(account?: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (account === undefined) {
      const all = this.schedule
        .accounts()
        .then((accounts) => Promise.all(accounts.map((entry) => this.drainAccount(entry.account, entry.stamp))))
        .then(() => this.recovered())
        .catch((error: unknown) => this.failed('webhook delivery paused', error));
      return this.track(all);
    }
    return this.drainAccount(account, undefined);
  }

  private drainAccount(account: string, stamp: number | undefined): Promise<void> {
    const running = this.draining.get(account);
    if (running !== undefined) {
      running.again = true;
      return running.run;
    }
    const entry = { run: Promise.resolve(), again: false };
    entry.run = this.drain(account, stamp, entry)
      .then(() => this.recovered())
      .catch((error: unknown) => this.failed('webhook delivery paused', error))
      .finally(() => this.draining.delete(account));
    this.draining.set(account, entry);
    return this.track(entry.run);
  }

  private async drain(account: string, stamp: number | undefined, entry: { again: boolean }): Promise<void> {
    await Promise.resolve();
    do {
      entry.again = false;
      for (;;) {
        if (this.closed) return;
        const owner = randomUUID();
        const claim = await this.schedule.claim(account, this.options.now(account), owner, this.options.leaseMs);
        if (claim.kind === 'busy') return;
        if (claim.kind === 'idle') {
          if (claim.pending === 0 && stamp !== undefined && !entry.again) {
            await this.schedule.forget(account, stamp, this.options.realNow() - FORGET_AFTER_MS);
          }
          break;
        }
        await this.attempt(account, owner, claim.delivery);
      }
    } while (entry.again && !this.closed);
  }

  /** Makes the claimed attempt and records it; one cut short by this instance's shutdown is given back, uncounted. */
  private async attempt(account: string, owner: string, delivery: ScheduledDelivery): Promise<void> {
    const before = { ...delivery };
    const outcome = await attemptDelivery(
      delivery,
      this.options.post,
      this.options.now(account),
      this.horizonMs,
      this.closing.signal,
    );
    if (this.closed) {
      await this.schedule.complete(account, owner, before).catch(() => undefined);
      return;
    }
    if (outcome.state !== 'pending') delivery.signature = '';
    // Kept as the log shows it, bounded as in one process.
    if (delivery.lastError !== undefined) delivery.lastError = excerpt(delivery.lastError);
    const result = await this.schedule.complete(account, owner, delivery);
    if (result === 'lease-lost') {
      this.options.onError(
        `webhook ${delivery.eventType} ${delivery.eventId} to ${redactUrl(delivery.url)}: not recorded (its lease expired first, or the account was reset)`,
      );
    } else if (outcome.state === 'failed') {
      this.options.onError(
        `webhook ${delivery.eventType} ${delivery.eventId} to ${redactUrl(delivery.url)} failed after ${delivery.attempts} attempts`,
      );
    }
  }

  async deliveryPage(account: string, page: { limit?: number; offset?: number } = {}): Promise<DeliveryPage> {
    const { limit = DEFAULT_DELIVERY_PAGE, offset = 0 } = page;
    if (limit <= 0) return { deliveries: [], total: 0, truncated: false };
    const { deliveries, total } = await this.schedule.page(account, limit, offset);
    return { deliveries: deliveries.map(deliveryView), total, truncated: offset + deliveries.length < total };
  }

  async deliveries(account: string, page?: { limit?: number; offset?: number }): Promise<WebhookDelivery[]> {
    return (await this.deliveryPage(account, page)).deliveries;
  }

  reset(account: string): Promise<void> {
    return this.schedule.reset(account);
  }

  idle(): Promise<void> {
    return this.runs.idle();
  }

  /** Stops pumping; an attempt in flight is cut short and given back to the schedule, for another instance. */
  close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    return this.idle();
  }

  private track<T>(run: Promise<T>): Promise<T> {
    return this.runs.track(run);
  }

  private recovered(): void {
    if (this.failing) this.options.onError('webhook delivery resumed: the store answers again');
    this.failing = false;
  }

  /** Once per outage: under a store that is away, every tick would fail the same way. */
  private failed(what: string, error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.options.onError(`${what}: ${reason}; retried on the next tick`);
  }
}
