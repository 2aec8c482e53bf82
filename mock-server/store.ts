import { LRUCache } from 'lru-cache';
import type { IssuedToken, StoredResponse } from './idempotency.js';

/** A payment request created by a STEP_UP_REQUIRED answer. */
export interface StoredPaymentRequest {
  paymentRequestId: string;
  amount: number | undefined;
  currency: string;
  createdAt: number;
}

/**
 * The simulator's memory, bounded by entry count (an unbounded store grew ~3 MB/s under unique keys).
 * Expiry is judged against the injected clock by the callers, not by timers.
 */
export class Store {
  private readonly byKey: LRUCache<string, StoredResponse>;
  private readonly byToken: LRUCache<string, StoredResponse>;
  private readonly issued: LRUCache<string, IssuedToken>;
  private readonly paymentRequests: LRUCache<string, StoredPaymentRequest>;
  /** Bumped by an account reset: its old records become unreachable at once and age out of the caches. */
  private readonly generations: LRUCache<string, number>;

  constructor(maxEntries: number) {
    this.byKey = new LRUCache({ max: maxEntries });
    this.byToken = new LRUCache({ max: maxEntries });
    this.issued = new LRUCache({ max: maxEntries });
    this.paymentRequests = new LRUCache({ max: maxEntries });
    this.generations = new LRUCache({ max: maxEntries });
  }

  /** Forgets one account's idempotency records and issued tokens; other accounts keep theirs. */
  resetAccount(account: string): void {
    this.generations.set(account, (this.generations.get(account) ?? 0) + 1);
  }

  /** Records are scoped by partner account: a key or token used on account A never answers for account B. */
  private scoped(account: string, id: string) {
    return JSON.stringify([account, this.generations.get(account) ?? 0, id]);
  }

  keyRecord(account: string, key: string | undefined): StoredResponse | undefined {
    return key === undefined ? undefined : this.byKey.get(this.scoped(account, key));
  }

  tokenRecord(account: string, token: string | undefined): StoredResponse | undefined {
    return token === undefined ? undefined : this.byToken.get(this.scoped(account, token));
  }

  record(account: string, ids: { key?: string | undefined; token?: string | undefined }, stored: StoredResponse): void {
    if (ids.key !== undefined) this.byKey.set(this.scoped(account, ids.key), stored);
    if (ids.token !== undefined && !this.byToken.has(this.scoped(account, ids.token))) {
      this.byToken.set(this.scoped(account, ids.token), stored);
    }
  }

  /** Registers a session token the simulator handed out (the step-up journey does this on completion). */
  issueSessionToken(account: string, token: string, issued: IssuedToken): void {
    this.issued.set(this.scoped(account, token), issued);
  }

  issuedToken(account: string, token: string): IssuedToken | undefined {
    return this.issued.get(this.scoped(account, token));
  }

  recordPaymentRequest(account: string, request: StoredPaymentRequest): void {
    this.paymentRequests.set(this.scoped(account, request.paymentRequestId), request);
  }

  paymentRequest(account: string, id: string | undefined): StoredPaymentRequest | undefined {
    return id === undefined ? undefined : this.paymentRequests.get(this.scoped(account, id));
  }

  get size() {
    return { keys: this.byKey.size, tokens: this.byToken.size, issuedTokens: this.issued.size };
  }
}
