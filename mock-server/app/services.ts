import type { WebhookPayload } from '../../contracts/index.js';
import { AccountClock } from '../core/account-clock.js';
import type { MockConfig } from '../core/config.js';
import { Journal, type JournalLimits } from '../core/journal/journal.js';
import type { JournalStore } from '../core/journal/journal-store.js';
import { PaymentRequests } from '../core/payment-requests/payment-requests.js';
import { ScenarioEngine } from '../core/scenarios/scenario-engine.js';
import type { AnswerStore } from '../core/store/answer-store.js';
import { MemoryAnswerStore } from '../core/store/memory-answer-store.js';
import { Store } from '../core/store/store.js';
import { Transactions } from '../core/transactions/transactions.js';
import type { Post } from '../core/webhooks/attempt-delivery.js';
import { eventRecipients } from '../core/webhooks/event-recipients.js';
import { NotificationRegistry } from '../core/webhooks/notification-registry.js';
import { WebhookDispatcher } from '../core/webhooks/webhook-dispatcher.js';
import { loadScenarioDir } from '../io/fixture-loader.js';
import { httpPost } from '../io/http-post.js';

export interface ServiceOptions {
  /** Milliseconds since the epoch; every expiry reads it. */
  now: () => number;
  uuid: () => string;
  store?: Store | undefined;
  /** Where idempotency answers and issued tokens live; default: the memory store over `store`. */
  answerStore?: AnswerStore | undefined;
  webhookPost?: Post | undefined;
  /** Makes the request journal from its limits; default: the memory journal (issue 15: a shared one in Redis). */
  journal?: ((limits: JournalLimits) => JournalStore) | undefined;
  /** Where a full store, journal or a failing webhook is reported (the app's log, bound once it exists). */
  warn: (message: string) => void;
}

/** The simulator's state and the services over it, with no HTTP: what the routes and plugins are given. */
export interface Services {
  config: MockConfig;
  uuid: () => string;
  clock: AccountClock;
  store: Store;
  /** Idempotency answers and issued tokens (issue 15): over `store` in memory, or shared by many processes. */
  answerStore: AnswerStore;
  scenarios: ScenarioEngine;
  journal: JournalStore;
  notifications: NotificationRegistry;
  webhooks: WebhookDispatcher;
  paymentRequests: PaymentRequests;
  transactions: Transactions;
  /** Forgets one account's records, tokens, payment requests, journal, clock, scenarios, webhooks and keys. */
  resetAccount(account: string): { disarmed: number; settled?: Promise<void> };
}

export function buildServices(config: MockConfig, options: ServiceOptions): Services {
  const { uuid, warn } = options;
  const clock = new AccountClock(options.now);
  const accountNow = (account: string) => clock.now(account);
  const store =
    options.store ??
    new Store(
      config.maxStoredResponses,
      (account, createdAt) => clock.now(account) - createdAt >= config.idempotencyWindowMs,
      {
        maxBytes: config.storeMaxBytes,
        onFull: (full) =>
          warn(`the store of ${full} is full (storeMaxBytes or maxStoredResponses): the oldest go first`),
      },
    );
  const answerStore = options.answerStore ?? new MemoryAnswerStore(store, options.now);
  const scenarios = new ScenarioEngine(config.seed, uuid, {
    perAccount: config.maxArmedPerAccount,
    forAll: config.maxArmedForAll,
    total: config.maxArmedScenarios,
  });
  // A bad scenario file stops the start here, with its name, the path inside it and the reason.
  if (config.fixturesDir !== undefined) scenarios.setFixtures(loadScenarioDir(config.fixturesDir));
  const journalLimits: JournalLimits = {
    perAccount: config.journalSize,
    accounts: config.journalAccounts,
    maxAgeMs: config.journalMaxAgeMs,
    maxBytes: config.journalMaxBytes,
    now: accountNow,
    onFull: warn,
  };
  const journal = options.journal?.(journalLimits) ?? new Journal(journalLimits);
  const notifications = new NotificationRegistry({ now: accountNow, uuid });
  const webhooks = new WebhookDispatcher({
    now: accountNow,
    uuid,
    post: options.webhookPost ?? httpPost(config.webhookTimeoutMs),
    horizonMs: config.webhookRetryHorizonMs,
    maxPendingBytesPerAccount: config.webhookPendingBytesPerAccount,
    maxPendingBytes: config.webhookPendingBytes,
    maxFinished: config.webhookFinishedDeliveries,
    maxFinishedBytes: config.webhookFinishedBytes,
    onError: (message) => warn(`webhooks: ${message}`),
    targets: (account, eventType) =>
      eventRecipients(account, config).flatMap((recipient) =>
        notifications
          .targets(recipient, eventType)
          .map((target) => (recipient === account ? target : { ...target, recipient })),
      ),
  });
  for (const subscription of config.webhooks ?? []) webhooks.subscribe(subscription);
  const emit = (account: string, eventType: string, payload: unknown) =>
    webhooks.emit(account, eventType, payload as WebhookPayload);
  const paymentRequests = new PaymentRequests({
    store,
    answerStore,
    clock,
    uuid,
    region: config.region,
    ttlMs: config.paymentRequestTtlMs,
    emit,
  });
  const transactions = new Transactions({ store, clock, emit });
  const resetAccount = (account: string) => {
    store.resetAccount(account);
    // The memory store's records went with the Store's; a shared store forgets them in the background.
    Promise.resolve()
      .then(() => answerStore.resetAccount(account))
      .catch((error: Error) => warn(`resetting ${account}: ${error.message}`));
    // A shared journal forgets in Redis: the admin reset answers once it has (a read anywhere then sees it gone).
    const journalReset = journal.reset(account);
    clock.reset(account);
    paymentRequests.reset(account);
    transactions.reset(account);
    webhooks.reset(account);
    notifications.reset(account);
    return {
      disarmed: scenarios.resetAccount(account),
      ...(journalReset instanceof Promise && { settled: journalReset }),
    };
  };
  return {
    config,
    uuid,
    clock,
    store,
    answerStore,
    scenarios,
    journal,
    notifications,
    webhooks,
    paymentRequests,
    transactions,
    resetAccount,
  };
}
