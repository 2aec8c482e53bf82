import type { PaymentRequestRecord } from '../payment-requests/payment-request-record.js';
import type { TransactionRecord } from '../transactions/transaction-record.js';
import { DueQueue } from './due-queue.js';
import type { PaymentRequestStore, PutOptions, RecordStore, Versioned } from './record-store.js';
import type { Store } from './store.js';

/** Where the records live in this process: the Store's bounded caches (entries and bytes). */
interface Cache<T> {
  get(account: string, id: string): T | undefined;
  set(record: T): void;
  /** Hears of every record the cache's caps make go, by account and id. */
  onEvicted(listener: (account: string, id: string) => void): void;
}

/**
 * The records of one process (the default): in the Store's caches, with per account the ids that may come due
 * (`dueAt`) in time order (DueQueue), so that a clock move, or the sweep once a second, visits only those whose time
 * has come. Every method answers at once, with no promise. A record the cache let go (full) is gone, its due time
 * with it: a write over it is refused like one over another's, and the caller finds none.
 */
class MemoryRecordStore<T extends Versioned> implements RecordStore<T> {
  readonly kind = 'memory';
  /** Per account, the ids of records the clock may still change, and when. */
  private readonly dueBy = new Map<string, DueQueue>();

  constructor(private readonly cache: Cache<T>) {
    cache.onEvicted((account, id) => this.forget(account, id));
  }

  get(account: string, id: string): T | undefined {
    return this.cache.get(account, id);
  }

  put(account: string, id: string, record: T, options: PutOptions): T | undefined {
    if ((this.cache.get(account, id)?.version ?? 0) !== record.version) return undefined;
    const written = { ...record, version: record.version + 1 };
    this.cache.set(written);
    let due = this.dueBy.get(account);
    if (options.dueAt !== undefined) {
      if (due === undefined) {
        due = new DueQueue();
        this.dueBy.set(account, due);
      }
      due.set(id, options.dueAt);
    } else this.forget(account, id);
    return written;
  }

  due(account: string, now: number): string[] {
    const due = this.dueBy.get(account);
    if (due === undefined) return [];
    const ids = due.due(now, (id) => this.cache.get(account, id) !== undefined);
    if (due.size === 0) this.dueBy.delete(account);
    return ids;
  }

  dueAccounts(): string[] {
    return [...this.dueBy.keys()];
  }

  /** The records themselves go with the Store's reset (services.ts). */
  resetAccount(account: string): void {
    this.dueBy.delete(account);
  }

  /** The id is no longer due: written final, or let go by the cache. */
  private forget(account: string, id: string): void {
    const due = this.dueBy.get(account);
    if (due === undefined) return;
    due.delete(id);
    if (due.size === 0) this.dueBy.delete(account);
  }
}

class MemoryPaymentRequestStore
  extends MemoryRecordStore<PaymentRequestRecord>
  implements PaymentRequestStore<PaymentRequestRecord>
{
  constructor(private readonly store: Store) {
    super({
      get: (account, id) => store.paymentRequest(account, id),
      set: (record) => store.savePaymentRequest(record),
      onEvicted: (listener) => store.onEvicted('paymentRequests', listener),
    });
  }

  accountOf(id: string): string | undefined {
    return this.store.anyPaymentRequest(id)?.account;
  }
}

export const memoryPaymentRequestStore = (store: Store): PaymentRequestStore<PaymentRequestRecord> =>
  new MemoryPaymentRequestStore(store);

export const memoryTransactionStore = (store: Store): RecordStore<TransactionRecord> =>
  new MemoryRecordStore<TransactionRecord>({
    get: (account, id) => store.transaction(account, id),
    set: (record) => store.saveTransaction(record),
    onEvicted: (listener) => store.onEvicted('transactions', listener),
  });
