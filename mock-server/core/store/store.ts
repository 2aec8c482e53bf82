import type { CustomerToken } from '../../../contracts/index.js';
import type { IssuedToken, StoredResponse } from '../idempotency.js';
import { keptBytes } from '../payment-requests/kept-purchase-data.js';
import type { PaymentRequestRecord } from '../payment-requests/payment-request-record.js';
import { recordBytes, type TransactionRecord, transactionUuid } from '../transactions/transaction-record.js';
import { AnswerRing } from './answer-ring.js';
import { type LazyCache, lazyCache } from './lazy-cache.js';
import { accountOfKey, RecentKeys, scopePrefix } from './recent-keys.js';
import { recordId } from './record-store.js';

/** Bytes each store may hold by default: seven stores fit well inside npm start's 256 MB heap. */
export const DEFAULT_STORE_BYTES = 12 * 1024 * 1024;

export interface StoreLimits {
  maxBytes?: number;
  onFull?: (store: string) => void;
}

/** Whether an idempotency record recorded at `createdAt` on `account`'s clock is past its window. */
export type PastWindow = (account: string, createdAt: number) => boolean;

/** The records kept for the record stores (core/store/memory-record-store.ts). */
export type RecordKind = 'paymentRequests' | 'transactions';

/**
 * The simulator's memory, bounded by entry count (an unbounded store grew ~3 MB/s under unique keys).
 * Idempotency records go oldest first, and those past their window go as soon as newer ones arrive (AnswerRing,
 * which keeps them as bytes);
 * whether a record still answers is judged against the injected clock by the callers, not by timers.
 */
export class Store {
  private readonly byKey: AnswerRing;
  private readonly byToken: AnswerRing;
  private readonly issued: LazyCache<IssuedToken>;
  /** Customer tokens the simulator issued, with their scopes: a token charge learns whether the customer is present. */
  private readonly customerTokens: LazyCache<CustomerToken['scopes']>;
  private readonly paymentRequests: LazyCache<PaymentRequestRecord>;
  /** Payment transactions approvals made, by uuid (the read operation). */
  private readonly transactions: LazyCache<TransactionRecord>;
  /** Payment request uuid → account: the hosted page's URL carries only the uuid. */
  private readonly paymentRequestAccounts: LazyCache<string>;
  private readonly recentKeys = new RecentKeys();
  /** Who hears of the payment requests and transactions the caps made go (the memory record stores' due times). */
  private readonly evicted: Record<RecordKind, ((account: string, uuid: string) => void)[]> = {
    paymentRequests: [],
    transactions: [],
  };

  /**
   * `pastWindow` (the app's idempotency window on the account clocks) lets key records go by age too. Each store
   * holding what a client sent (answers, payment requests, transactions, tokens) is capped at `limits.maxBytes`
   * too, so no sequence of valid requests can fill the heap; `onFull` hears once of each store that reached a cap.
   */
  constructor(maxEntries: number, pastWindow: PastWindow = () => false, limits: StoreLimits = {}) {
    const maxBytes = limits.maxBytes ?? DEFAULT_STORE_BYTES;
    const full = (store: string) => () => limits.onFull?.(store);
    this.byKey = new AnswerRing({
      maxEntries,
      maxBytes,
      over: (key, createdAt) => pastWindow(accountOfKey(key), createdAt),
      onFull: full('idempotency answers'),
    });
    // One token, one result, for as long as the store keeps it: token records go by count and bytes only.
    this.byToken = new AnswerRing({ maxEntries, maxBytes, onFull: full('session-token answers') });
    const small = (store: string) => ({ size: () => 128, maxBytes, onFull: full(store) });
    this.issued = lazyCache(maxEntries, small('issued session tokens'));
    this.customerTokens = lazyCache(maxEntries, small('issued customer tokens'));
    this.paymentRequests = lazyCache(maxEntries, {
      size: (record) => 768 + keptBytes(record.purchaseData),
      maxBytes,
      onFull: full('payment requests'),
      onEvict: (record) => this.tellEvicted('paymentRequests', record.account, record.uuid),
    });
    this.transactions = lazyCache(maxEntries, {
      size: recordBytes,
      maxBytes,
      onFull: full('payment transactions'),
      onEvict: (record) =>
        this.tellEvicted('transactions', record.account, transactionUuid(record.transaction.payment_transaction_id)),
    });
    this.paymentRequestAccounts = lazyCache(maxEntries, small('payment request accounts'));
  }

  /**
   * Forgets one account's idempotency records, issued tokens and payment requests; other accounts keep theirs. A
   * walk over every store (a few milliseconds when they are full): resets are rare, and deleting leaves nothing that
   * could ever answer again.
   */
  resetAccount(account: string): void {
    const prefix = scopePrefix(account);
    const mine = (key: string) => key.startsWith(prefix);
    this.byKey.deleteWhere(mine);
    this.byToken.deleteWhere(mine);
    const caches = [
      this.issued.ifMade(),
      this.customerTokens.ifMade(),
      this.paymentRequests.ifMade(),
      this.transactions.ifMade(),
    ];
    for (const cache of caches) {
      for (const key of [...(cache?.keys() ?? [])]) if (mine(key)) cache?.delete(key);
    }
    const accounts = this.paymentRequestAccounts.ifMade();
    for (const [uuid, owner] of [...(accounts?.entries() ?? [])]) if (owner === account) accounts?.delete(uuid);
  }

  /** `listener` hears of every record of `kind` the caps made go, by account and uuid. */
  onEvicted(kind: RecordKind, listener: (account: string, uuid: string) => void): void {
    this.evicted[kind].push(listener);
  }

  private tellEvicted(kind: RecordKind, account: string, uuid: string): void {
    for (const listener of this.evicted[kind]) listener(account, uuid);
  }

  /** Records are scoped by partner account: a key or token used on account A never answers for account B. */
  private scoped(account: string, id: string) {
    return this.recentKeys.key(account, id);
  }

  keyRecord(account: string, key: string | undefined): StoredResponse | undefined {
    return key === undefined ? undefined : this.byKey.get(this.scoped(account, key));
  }

  tokenRecord(account: string, token: string | undefined): StoredResponse | undefined {
    return token === undefined ? undefined : this.byToken.get(this.scoped(account, token));
  }

  record(account: string, ids: { key?: string | undefined; token?: string | undefined }, stored: StoredResponse): void {
    if (ids.key !== undefined) this.byKey.set(this.scoped(account, ids.key), stored);
    if (ids.token !== undefined) {
      const key = this.scoped(account, ids.token);
      if (!this.byToken.has(key)) this.byToken.set(key, stored);
    }
  }

  /** Registers a session token the simulator handed out (the step-up journey does this on completion). */
  issueSessionToken(account: string, token: string, issued: IssuedToken): void {
    this.issued().set(this.scoped(account, token), issued);
  }

  issuedToken(account: string, token: string): IssuedToken | undefined {
    return this.issued().get(this.scoped(account, token));
  }

  issueCustomerToken(account: string, token: CustomerToken): void {
    this.customerTokens().set(this.scoped(account, token.customer_token), token.scopes);
  }

  issuedCustomerToken(account: string, token: string): CustomerToken['scopes'] | undefined {
    return this.customerTokens().get(this.scoped(account, token));
  }

  saveTransaction(record: TransactionRecord): void {
    const id = record.transaction.payment_transaction_id;
    this.transactions().set(this.scoped(record.account, transactionUuid(id)), record);
  }

  /** By the `krn:payment:…:transaction:<uuid>` id or its uuid. */
  transaction(account: string, id: string): TransactionRecord | undefined {
    return this.transactions().get(this.scoped(account, transactionUuid(id)));
  }

  savePaymentRequest(record: PaymentRequestRecord): void {
    this.paymentRequests().set(this.scoped(record.account, record.uuid), record);
    this.paymentRequestAccounts().set(record.uuid, record.account);
  }

  /** By uuid, or by the `krn:payment:…:request:<uuid>` id (its last segment). */
  paymentRequest(account: string, idOrUuid: string | undefined): PaymentRequestRecord | undefined {
    if (idOrUuid === undefined) return undefined;
    return this.paymentRequests().get(this.scoped(account, recordId(idOrUuid)));
  }

  /** A payment request whatever its account, for the hosted page and the customer actions of the admin API. */
  anyPaymentRequest(idOrUuid: string): PaymentRequestRecord | undefined {
    const uuid = recordId(idOrUuid);
    const account = this.paymentRequestAccounts().get(uuid);
    return account === undefined ? undefined : this.paymentRequest(account, uuid);
  }

  get size() {
    return { keys: this.byKey.size, tokens: this.byToken.size, issuedTokens: this.issued().size };
  }
}
