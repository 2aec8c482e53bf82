import type { WebhookPayload } from '../../contracts/index.js';
import { AccountClock } from '../core/account-clock.js';
import { type Awaitable, andThen } from '../core/awaitable.js';
import type { MockConfig } from '../core/config.js';
import { Journal, type JournalLimits } from '../core/journal/journal.js';
import type { JournalStore } from '../core/journal/journal-store.js';
import type { PaymentRequestRecord } from '../core/payment-requests/payment-request-record.js';
import { PaymentRequests } from '../core/payment-requests/payment-requests.js';
import { ScenarioEngine, type Scenarios } from '../core/scenarios/scenario-engine.js';
import type { AnswerStore } from '../core/store/answer-store.js';
import { MemoryAnswerStore } from '../core/store/memory-answer-store.js';
import { memoryPaymentRequestStore, memoryTransactionStore } from '../core/store/memory-record-store.js';
import type { PaymentRequestStore, RecordStore } from '../core/store/record-store.js';
import { Store } from '../core/store/store.js';
import type { TransactionRecord } from '../core/transactions/transaction-record.js';
import { Transactions } from '../core/transactions/transactions.js';
import type { Post } from '../core/webhooks/attempt-delivery.js';
import type { NotificationStore } from '../core/webhooks/notification-store.js';
import type { Webhooks } from '../core/webhooks/webhooks.js';
import { loadScenarioDir } from '../io/fixture-loader.js';
import { httpPost } from '../io/http-post.js';
import { sharedScenarioState } from './open-answer-store.js';
import { webhookServices } from './webhook-services.js';

export interface ServiceOptions {
  /** Milliseconds since the epoch; every expiry reads it. */
  now: () => number;
  uuid: () => string;
  store?: Store | undefined;
  /** Where idempotency answers and issued tokens live; default: the memory store over `store`. */
  answerStore?: AnswerStore | undefined;
  /** Where payment requests and transactions live; default: the memory stores over `store`. */
  records?: SharedRecords | undefined;
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
  scenarios: Scenarios;
  journal: JournalStore;
  /** Klarna's Notifications API webhooks and signing keys: in memory, or shared with the answers' store. */
  notifications: NotificationStore;
  webhooks: Webhooks;
  paymentRequests: PaymentRequests;
  transactions: Transactions;
  /**
   * Forgets one account's records, tokens, payment requests, journal, clock, scenarios, webhooks and keys; with a
   * shared store, its answers, journal, webhooks, keys, scenarios and clock are forgotten there before it answers (a promise).
   */
  resetAccount(account: string): Awaitable<{ disarmed: number }>;
}

/** Payment requests and transactions in a store shared by many processes (issue 15). */
export interface SharedRecords {
  paymentRequests: PaymentRequestStore<PaymentRequestRecord>;
  transactions: RecordStore<TransactionRecord>;
}

export function buildServices(config: MockConfig, options: ServiceOptions): Services {
  const { uuid, warn } = options;
  const limits = {
    perAccount: config.maxArmedPerAccount,
    forAll: config.maxArmedForAll,
    total: config.maxArmedScenarios,
  };
  // Over Redis, armed scenarios, their counts and draws, and the account clocks are shared too (issue 15).
  const shared = sharedScenarioState(options.answerStore, { seed: config.seed, limits }, warn);
  const clock = new AccountClock(options.now, shared?.clock);
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
  const scenarios: Scenarios = new ScenarioEngine(config.seed, uuid, limits, shared?.scenarios);
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
  const { notifications, webhooks } = webhookServices(config, {
    clock,
    now: options.now,
    uuid,
    post: options.webhookPost ?? httpPost(config.webhookTimeoutMs),
    answerStore,
    warn,
  });
  for (const subscription of config.webhooks ?? []) {
    const subscribed = webhooks.subscribe(subscription);
    if (subscribed instanceof Promise) subscribed.catch((error: Error) => warn(`webhooks: ${error.message}`));
  }
  const emit = (account: string, eventType: string, payload: () => object) =>
    webhooks.emit(account, eventType, payload as () => WebhookPayload);
  const paymentRequests = new PaymentRequests({
    records: options.records?.paymentRequests ?? memoryPaymentRequestStore(store),
    answerStore,
    clock,
    uuid,
    region: config.region,
    ttlMs: config.paymentRequestTtlMs,
    emit,
  });
  const transactions = new Transactions({
    records: options.records?.transactions ?? memoryTransactionStore(store),
    clock,
    emit,
  });
  const inBackground = (account: string, forgotten: Awaitable<void>) => {
    if (forgotten instanceof Promise) forgotten.catch((error: Error) => warn(`resetting ${account}: ${error.message}`));
  };
  const resetAccount = (account: string) => {
    store.resetAccount(account);
    // A shared store forgets the account before the reset is answered (a failure is its 503): a key, an answer or a
    // journal record written right after the reset must stay. The memory store's records went with the Store's.
    const forgotten = [
      answerStore.resetAccount(account),
      journal.reset(account),
      webhooks.reset(account),
      notifications.reset(account),
    ];
    inBackground(account, paymentRequests.reset(account));
    inBackground(account, transactions.reset(account));
    const settled = forgotten.some((done) => done instanceof Promise) ? Promise.all(forgotten) : undefined;
    return andThen(settled, () =>
      andThen(clock.reset(account), () => andThen(scenarios.resetAccount(account), (disarmed) => ({ disarmed }))),
    );
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
