import type { AccountClock } from '../account-clock.js';
import { catalogue, type KlarnaHttpError } from '../error-catalogue.js';
import type { Store } from '../store/store.js';
import type { Outcome } from './lifecycle.js';
import { type Before, transactionEvents } from './transaction-events.js';
import {
  type CaptureEntry,
  type RefundEntry,
  splitChildId,
  type TransactionRecord,
  transactionState,
  transactionUuid,
} from './transaction-record.js';

export interface TransactionsOptions {
  store: Store;
  clock: AccountClock;
  /** Announces an event (payment.transaction.*) to the account's webhooks. */
  emit: (account: string, eventType: string, payload: Record<string, unknown>) => void;
}

/**
 * The transactions of every account: found in the store, changed by the pure rules of lifecycle.ts, saved, and
 * announced (docs/simulator-choices.md#transaction-events). A change the clock makes (expiry, the end of the grace) is
 * announced when the clock moves (sweep) or when the transaction is next touched, whichever comes first.
 */
export class Transactions {
  /** Per account, the uuids of transactions whose state the clock may still change. */
  private readonly live = new Map<string, Set<string>>();

  constructor(private readonly options: TransactionsOptions) {}

  /** Registers a new transaction (authorize's approval): AUTHORIZED, or captured and COMPLETED (capture NOW). */
  created(record: TransactionRecord): void {
    this.announce({ announced: undefined, captures: 0, refunds: 0 }, record, record.createdAt);
  }

  /** The transaction as it is now (clock changes announced first), or undefined. */
  get(account: string, id: string): TransactionRecord | undefined {
    const record = this.options.store.transaction(account, id);
    return record && this.notice(record);
  }

  /** Or the 404 Klarna answers. */
  find(account: string, id: string): TransactionRecord {
    const record = this.get(account, id);
    if (record === undefined) throw catalogue.resourceNotFound(`payment transaction ${id}`);
    return record;
  }

  capture(account: string, captureId: string): { record: TransactionRecord; capture: CaptureEntry } {
    const parts = splitChildId(captureId, 'capture');
    const record = parts && this.get(account, parts.transactionId);
    const capture = parts && record?.captures[parts.n - 1];
    if (record === undefined || capture === undefined) throw catalogue.resourceNotFound(`payment capture ${captureId}`);
    return { record, capture };
  }

  refund(account: string, refundId: string): { record: TransactionRecord; refund: RefundEntry } {
    const parts = splitChildId(refundId, 'refund');
    const record = parts && this.get(account, parts.transactionId);
    const refund = parts && record?.refunds[parts.n - 1];
    if (record === undefined || refund === undefined) throw catalogue.resourceNotFound(`payment refund ${refundId}`);
    return { record, refund };
  }

  /** Applies one rule at the account's now; saves and announces what changed, or throws the refusal. */
  apply(record: TransactionRecord, rule: (record: TransactionRecord, now: number) => Outcome): TransactionRecord {
    const now = this.options.clock.now(record.account);
    const outcome = rule(record, now);
    if (!outcome.ok) throw outcome.error satisfies KlarnaHttpError;
    return this.settle(record, outcome.record, now);
  }

  /** Announces the clock's changes of every live transaction of the account (or of all). */
  sweep(account?: string): void {
    const accounts = account === undefined ? [...this.live.keys()] : [account];
    for (const name of accounts) {
      for (const uuid of [...(this.live.get(name) ?? [])]) {
        const record = this.options.store.transaction(name, uuid);
        if (record === undefined) this.live.get(name)?.delete(uuid);
        else this.notice(record);
      }
      if (this.live.get(name)?.size === 0) this.live.delete(name);
    }
  }

  reset(account: string): void {
    this.live.delete(account);
  }

  private notice(record: TransactionRecord): TransactionRecord {
    const now = this.options.clock.now(record.account);
    return transactionState(record, now) === record.announced ? record : this.settle(record, record, now);
  }

  private settle(before: TransactionRecord, after: TransactionRecord, now: number): TransactionRecord {
    return this.announce(
      { announced: before.announced, captures: before.captures.length, refunds: before.refunds.length },
      after,
      now,
    );
  }

  private announce(before: Before, after: TransactionRecord, now: number): TransactionRecord {
    const { events, announced } = transactionEvents(before, after, now);
    const saved = { ...after, announced };
    this.save(saved);
    for (const event of events) this.options.emit(saved.account, event.type, event.payload);
    return saved;
  }

  private save(record: TransactionRecord): void {
    this.options.store.saveTransaction(record);
    const uuid = transactionUuid(record.transaction.payment_transaction_id);
    let live = this.live.get(record.account);
    if (live === undefined) {
      live = new Set();
      this.live.set(record.account, live);
    }
    const state = record.announced;
    if (state === 'AUTHORIZED' || state === 'EXPIRED') live.add(uuid);
    else live.delete(uuid);
    if (live.size === 0) this.live.delete(record.account);
  }
}
