import { LRUCache } from 'lru-cache';
import {
  type WebhookDelivery,
  WebhookFaultRequest,
  type WebhookFaultRequestInput,
  type WebhookPayload,
  type WebhookSubscription,
  type WebhookSubscriptionRequest,
} from '../../../contracts/index.js';
import { redactUrl } from '../redact-url.js';
import { AccountWebhooks, type DeliveryPage } from './account-webhooks.js';
import { attemptDelivery, type Post } from './attempt-delivery.js';
import { type DeliveryRecord, deliveryBytes, isDue } from './delivery-record.js';
import type { FinishedDelivery } from './finished-delivery.js';
import { FinishedQueue, type QueueWork } from './finished-queue.js';
import { newSubscription, payloadOf, signedEvent, subscriptionTarget } from './outgoing-event.js';
import { PendingBudget } from './pending-budget.js';
import { DEFAULT_RETRY_HORIZON_MS } from './retry-schedule.js';
import { Runs } from './runs.js';
import type { Webhooks } from './webhooks.js';

// Webhooks (reference §7.1): https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks

/** Defaults of the byte caps on pending deliveries: a few thousand ~1 KB events per account, 32 MB in all. */
export const DEFAULT_PENDING_BYTES_PER_ACCOUNT = 4 * 1024 * 1024;
export const DEFAULT_PENDING_BYTES = 32 * 1024 * 1024;
/** Defaults of the caps on finished deliveries over all accounts: ~300 bytes each, so ~15 MB at most. */
export const DEFAULT_FINISHED = 50_000;
export const DEFAULT_FINISHED_BYTES = 16 * 1024 * 1024;
/** Default cap of each account's delivery log and queue. */
export const DEFAULT_DELIVERIES_PER_ACCOUNT = 1000;
/** Deliveries a read of the log shows when it names no limit. */
export const DEFAULT_DELIVERY_PAGE = 100;

export interface WebhookDispatcherOptions {
  /** The account's simulator clock, ms: schedules and retries follow it. */
  now: (account: string) => number;
  uuid: () => string;
  /** Sends one attempt; resolves to the HTTP status, rejects on a network error. It should time out on its own. */
  post: Post;
  /** How long after the first attempt retries go on; 12 hours like Klarna. */
  horizonMs?: number;
  /** Cap of each account's delivery log and queue. */
  maxDeliveriesPerAccount?: number;
  /**
   * Finished deliveries (delivered, failed, dropped) kept over all accounts, by count and by estimated bytes. Past
   * either, the deliveries that finished first leave their logs, whatever their account, with one warning; pending
   * deliveries never do (their bodies have their own caps below).
   */
  maxFinished?: number;
  maxFinishedBytes?: number;
  /**
   * Bytes pending deliveries may hold (their signed bodies), per account and over all accounts. Past either, the
   * oldest pending deliveries are dropped: kept in the log as `dropped` with the reason, with one warning.
   */
  maxPendingBytesPerAccount?: number;
  maxPendingBytes?: number;
  /** Cap of accounts with webhook state; the least recently used is forgotten, with an onError. */
  maxAccounts?: number;
  /** Told about events that could not be queued, deliveries that failed for good and forgotten accounts. */
  onError?: (message: string) => void;
  /**
   * The webhooks registered through Klarna's Notifications API that want this event (enabled, event type matching);
   * each gets it beside the admin subscription, signed with its own key.
   */
  targets?: (account: string, eventType: string) => WebhookTarget[];
}

/** Where one webhook goes and the key it is signed with. */
export interface WebhookTarget {
  /** The account the webhook belongs to, when not the event's own account (the envelope's recipient_account_id). */
  recipient?: string | undefined;
  webhookId: string;
  url: string;
  signingKeyId: string;
  signingKey: string;
}

/**
 * Signs and delivers webhooks per account, retrying on the account's clock. It owns no timer: the app calls
 * `pump()` when a clock moves and from a periodic tick. Each account's deliveries go out one at a time, in order.
 */
export class WebhookDispatcher implements Webhooks {
  private readonly accounts: LRUCache<string, AccountWebhooks>;
  private readonly runs = new Runs();
  private readonly horizonMs: number;
  private readonly maxDeliveries: number;
  private readonly maxPendingBytesPerAccount: number;
  /** The pending deliveries of all accounts, by bytes. */
  private readonly budget: PendingBudget;
  private warnedFull = false;
  /** The finished deliveries of all accounts, oldest finished first. */
  private readonly finished: FinishedQueue;
  private readonly maxFinished: number;
  private readonly maxFinishedBytes: number;
  private warnedFinished = false;
  private readonly work: QueueWork = { examined: 0 };
  private examinedBefore = 0;
  private readonly onError: (message: string) => void;
  private closed = false;
  private readonly closing = new AbortController();

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.horizonMs = options.horizonMs ?? DEFAULT_RETRY_HORIZON_MS;
    this.maxDeliveries = options.maxDeliveriesPerAccount ?? DEFAULT_DELIVERIES_PER_ACCOUNT;
    this.maxPendingBytesPerAccount = options.maxPendingBytesPerAccount ?? DEFAULT_PENDING_BYTES_PER_ACCOUNT;
    this.budget = new PendingBudget(options.maxPendingBytes ?? DEFAULT_PENDING_BYTES, (record) => record.inBudget);
    this.finished = new FinishedQueue((line) => line.overall, this.work);
    this.maxFinished = options.maxFinished ?? DEFAULT_FINISHED;
    this.maxFinishedBytes = options.maxFinishedBytes ?? DEFAULT_FINISHED_BYTES;
    this.onError = options.onError ?? ((message) => process.emitWarning(message, 'KlarnaMockWebhook'));
    this.accounts = new LRUCache({
      max: options.maxAccounts ?? 1000,
      dispose: (state, account, reason) => {
        this.forget(state);
        if (reason !== 'evict' || (state.subscription === undefined && state.pending() === 0)) return;
        this.onError(`webhooks of ${account} forgotten (more than ${this.accounts.max} accounts): reset unused ones`);
      },
    });
  }

  /** Replaces the account's subscription; deliveries already queued keep the URL and key they were signed for. */
  subscribe(input: WebhookSubscriptionRequest): WebhookSubscription {
    const subscription = newSubscription(input, this.options.uuid);
    this.state(subscription.account).subscription = subscription;
    return { ...subscription };
  }

  /** Reading an account's webhooks counts as using them: its state is then the last to be forgotten. */
  subscription(account: string): WebhookSubscription | undefined {
    const subscription = this.accounts.get(account)?.subscription;
    return subscription === undefined ? undefined : { ...subscription };
  }

  /** Stops new events; queued deliveries still go out. True when there was a subscription. */
  unsubscribe(account: string): boolean {
    const state = this.accounts.peek(account);
    if (state?.subscription === undefined) return false;
    state.subscription = undefined;
    return true;
  }

  /** Arms a delivery fault for the account's next `times` events, replacing any fault armed before. */
  setFault(input: WebhookFaultRequestInput): void {
    const request = WebhookFaultRequest.parse(input);
    this.state(request.account).armed = {
      fault: request.fault,
      delayMs: request.delay_ms ?? 0,
      remaining: request.times,
    };
  }

  /**
   * Signs and queues one event for the account's admin subscription and for every Klarna webhook that wants it,
   * then starts a pump; with neither, nothing. One event id for all of them: it is one event.
   */
  emit(account: string, eventType: string, payload: WebhookPayload | (() => WebhookPayload)): void {
    const subscription = this.accounts.get(account)?.subscription;
    const targets = this.options.targets?.(account, eventType) ?? [];
    if (subscription !== undefined) targets.unshift(subscriptionTarget(subscription));
    if (targets.length > 0) this.send(account, eventType, payloadOf(payload), targets);
  }

  /**
   * Signs and queues one event for one webhook, whatever its event types and status (Klarna's simulate), through
   * the same queue, faults, retries and log as any event. The event id, or undefined when the queue is full.
   */
  simulate(account: string, target: WebhookTarget, eventType: string, payload: WebhookPayload): string | undefined {
    return this.send(account, eventType, payload, [target]);
  }

  private send(
    account: string,
    eventType: string,
    payload: WebhookPayload,
    targets: WebhookTarget[],
  ): string | undefined {
    const state = this.state(account);
    const now = this.options.now(account);
    const eventId = this.options.uuid();
    const fault = state.takeFault();
    const copies = fault?.fault === 'duplicate' ? 2 : fault?.fault === 'drop' ? 0 : 1;
    let queued = 0;
    for (const target of targets) {
      const event = signedEvent({ eventId, eventType, occurredAt: now, account, payload }, target);
      if (!this.makeRoom(state, Math.max(copies, 1))) {
        this.onError(
          `webhook ${eventType} ${eventId} for ${account} not queued: ${this.maxDeliveries} deliveries pending`,
        );
        continue;
      }
      if (!this.makeBytes(account, state, copies * deliveryBytes(event))) {
        this.onError(`webhook ${eventType} ${eventId} for ${account} not queued: pending bytes full, all in flight`);
        continue;
      }
      for (const record of state.enqueue(event, fault, now) ?? []) {
        if (record.state !== 'pending') {
          this.finish(state, record);
          continue;
        }
        record.charged = deliveryBytes(event);
        state.budget.add(record);
        this.budget.add(record);
      }
      queued += 1;
    }
    if (queued === 0) return undefined;
    void this.pump(account);
    return eventId;
  }

  /**
   * Attempts every due delivery, one account's in queue order and one at a time. A pump for an account that is
   * already pumping joins the running one, which looks again for due deliveries before it stops.
   */
  pump(account?: string): Promise<void> {
    if (account === undefined) {
      return Promise.all([...this.accounts.keys()].map((name) => this.pump(name))).then(() => undefined);
    }
    const state = this.accounts.peek(account);
    if (this.closed || state === undefined) return Promise.resolve();
    if (state.running !== undefined) return state.running;
    const run = this.drain(account, state).catch((error: unknown) => {
      this.onError(`webhook pump for ${account} stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
    state.running = run;
    this.runs.track(run);
    return run;
  }

  /**
   * A page of the account's delivery log, oldest first: the newest `limit` deliveries (default 100) after skipping
   * the newest `offset`. Only the deliveries shown are looked at, whatever the log holds.
   */
  deliveryPage(account: string, page: { limit?: number; offset?: number } = {}): DeliveryPage {
    const { limit = DEFAULT_DELIVERY_PAGE, offset = 0 } = page;
    return this.accounts.get(account)?.page(limit, offset) ?? { deliveries: [], total: 0, truncated: false };
  }

  /** The deliveries of a page of the account's log (the newest 100 by default), oldest first. */
  deliveries(account: string, page?: { limit?: number; offset?: number }): WebhookDelivery[] {
    return this.deliveryPage(account, page).deliveries;
  }

  /** Finished deliveries kept over all accounts. */
  get finishedDeliveries(): number {
    return this.finished.count;
  }

  /** Finished deliveries looked at to make room, since the start: what eviction costs, counted rather than timed. */
  get evictionExamined(): number {
    return this.work.examined;
  }

  /** Pending deliveries of the account, counted, not looked for. */
  pendingDeliveries(account: string): number {
    return this.accounts.peek(account)?.pending() ?? 0;
  }

  /** Deliveries looked at to find the due ones, since the start: what a pump costs, counted rather than timed. */
  get examined(): number {
    let examined = this.examinedBefore;
    for (const state of this.accounts.values()) examined += state.examined;
    return examined;
  }

  /** Forgets the account's subscription, queue, faults and log; an attempt in flight finishes unrecorded. */
  reset(account: string): void {
    this.accounts.delete(account);
  }

  /** Resolves when no pump is running. */
  async idle(): Promise<void> {
    await this.runs.idle();
  }

  /**
   * Stops pumping; attempts in flight are cut short (a silent receiver cannot hold a test's afterAll for the
   * attempt's whole timeout) and count as failed ones. Pending deliveries stay pending.
   */
  close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    return this.idle();
  }

  private state(account: string): AccountWebhooks {
    let state = this.accounts.get(account);
    if (state === undefined) {
      state = new AccountWebhooks(account, this.maxDeliveries, this.maxPendingBytesPerAccount, this.work);
      this.accounts.set(account, state);
    }
    return state;
  }

  private async drain(account: string, state: AccountWebhooks): Promise<void> {
    // Yield first so pump() has recorded this run; the last look for due work and the clearing below then happen
    // in one tick, and a pump() in between cannot join a run that is about to end.
    await Promise.resolve();
    try {
      for (let due = this.due(account, state); due.length > 0; due = this.due(account, state)) {
        for (const record of due) {
          if (!this.live(account, state)) return;
          if (!isDue(record, this.options.now(account))) {
            state.reschedule(record);
            continue;
          }
          const outcome = await attemptDelivery(
            record,
            this.options.post,
            this.options.now(account),
            this.horizonMs,
            this.closing.signal,
          );
          if (outcome.state === 'pending') state.reschedule(record);
          else this.finish(state, record);
          // An attempt cut short by the shutdown is no receiver's failure worth a line in the log.
          if (outcome.state === 'failed' && !this.closed) {
            this.onError(
              `webhook ${record.eventType} ${record.eventId} to ${redactUrl(record.url)} failed after ${record.attempts} attempts`,
            );
          }
        }
      }
    } finally {
      state.running = undefined;
    }
  }

  /**
   * Makes room for `bytes` more pending bytes, in the account and over all accounts, by dropping the oldest pending
   * deliveries; false when nothing is left to drop (every pending delivery in flight).
   */
  private makeBytes(account: string, state: AccountWebhooks, bytes: number): boolean {
    while (!state.budget.fits(bytes)) {
      const oldest = state.budget.oldest();
      if (oldest === undefined) return false;
      const why = `pending webhooks of this account over ${state.budget.maxBytes} bytes (webhookPendingBytesPerAccount)`;
      this.drop(state, oldest, why);
      if (!state.warnedFull) {
        state.warnedFull = true;
        this.onError(
          `pending webhooks of ${account} over ${state.budget.maxBytes} bytes: the oldest are dropped, as the delivery log shows`,
        );
      }
    }
    while (!this.budget.fits(bytes)) {
      const oldest = this.budget.oldest();
      const owner = oldest === undefined ? undefined : this.accounts.peek(oldest.account);
      if (oldest === undefined || owner === undefined) return false;
      this.drop(
        owner,
        oldest,
        `pending webhooks of all accounts over ${this.budget.maxBytes} bytes (webhookPendingBytes)`,
      );
      if (!this.warnedFull) {
        this.warnedFull = true;
        this.onError(
          `pending webhooks of all accounts over ${this.budget.maxBytes} bytes: the oldest are dropped, as each account's delivery log shows`,
        );
      }
    }
    return true;
  }

  /** A pending delivery given up to make room: it stays in the log, without its body, saying why. */
  private drop(state: AccountWebhooks, record: DeliveryRecord, why: string): void {
    record.state = 'dropped';
    record.nextAttemptAt = undefined;
    record.lastError = `dropped: ${why}`;
    this.finish(state, record);
  }

  /**
   * Whether `count` more deliveries fit the account's log once its oldest finished deliveries make room (pending ones
   * never do).
   */
  private makeRoom(state: AccountWebhooks, count: number): boolean {
    while (!state.fits(count)) {
      const oldest = state.finished.oldest();
      if (oldest === undefined) return false;
      this.evict(state, oldest);
    }
    return true;
  }

  /**
   * A delivery now final gives its pending bytes back and is replaced in the log by what the log shows of it, with
   * nothing it does not (body, signature). Then the finished deliveries of all accounts are kept within their caps.
   */
  private finish(state: AccountWebhooks, record: DeliveryRecord): void {
    this.settle(state, record);
    record.body = undefined;
    record.signature = '';
    // Reset or forgotten while its attempt was in flight: its log is gone, and so is this line.
    if (this.accounts.peek(record.account) !== state) return;
    this.finished.add(state.finish(record));
    while (this.finished.count > 1 && this.overFinishedCaps()) {
      const oldest = this.finished.oldest() as FinishedDelivery;
      const owner = this.accounts.peek(oldest.account) as AccountWebhooks;
      this.evict(owner, oldest);
      if (!this.warnedFinished) {
        this.warnedFinished = true;
        this.onError(
          `finished webhook deliveries of all accounts over ${this.maxFinished} deliveries or ${this.maxFinishedBytes} bytes (webhookFinishedDeliveries, webhookFinishedBytes): the oldest finished leave the delivery logs`,
        );
      }
    }
  }

  private overFinishedCaps(): boolean {
    return this.finished.count > this.maxFinished || this.finished.bytes > this.maxFinishedBytes;
  }

  /** A finished delivery leaves its account's log and both queues of finished deliveries. */
  private evict(state: AccountWebhooks, line: FinishedDelivery): void {
    state.evict(line);
    this.finished.remove(line);
  }

  /** A delivery no longer pending gives its bytes back. */
  private settle(state: AccountWebhooks, record: DeliveryRecord): void {
    if (record.charged === 0) return;
    state.budget.remove(record);
    this.budget.remove(record);
    record.charged = 0;
    state.settled();
  }

  /** An account reset or forgotten gives back the bytes its pending deliveries held, and its finished deliveries. */
  private forget(state: AccountWebhooks): void {
    this.examinedBefore += state.examined;
    for (const record of state.charged()) {
      this.budget.remove(record);
      record.charged = 0;
    }
    for (const line of [...state.finished]) this.finished.remove(line);
  }

  /** False once closed, or once the account was reset or forgotten: a stale drain must stop sending. */
  private live(account: string, state: AccountWebhooks): boolean {
    return !this.closed && this.accounts.peek(account) === state;
  }

  private due(account: string, state: AccountWebhooks): DeliveryRecord[] {
    return this.live(account, state) ? state.due(this.options.now(account)) : [];
  }
}
