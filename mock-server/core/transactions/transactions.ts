import type { AccountClock } from '../account-clock.js';
import { type Awaitable, andThen } from '../awaitable.js';
import { catalogue, type KlarnaHttpError } from '../error-catalogue.js';
import { type PreparedPut, type PutOptions, type RecordStore, sweepDue } from '../store/record-store.js';
import type { Outcome } from './lifecycle.js';
import { type Before, transactionEvents } from './transaction-events.js';
import {
  type CaptureEntry,
  CLOSE_AFTER_EXPIRY_MS,
  type RefundEntry,
  splitChildId,
  type TransactionRecord,
  transactionState,
  transactionUuid,
} from './transaction-record.js';

export interface TransactionsOptions {
  /** Where the records live: this process, or a store shared by many (Redis). */
  records: RecordStore<TransactionRecord>;
  clock: AccountClock;
  /** Announces an event (payment.transaction.*) to the account's webhooks. */
  emit: (account: string, eventType: string, payload: () => Record<string, unknown>) => void;
}

/** Writes that lost to another's are tried again on the record read anew this often before a 503. */
const MAX_WRITES = 16;

/**
 * The transactions of every account: found in the store, changed by the pure rules of lifecycle.ts, saved, and
 * announced (docs/simulator-choices.md#transaction-events). A change the clock makes (expiry, the end of the grace) is
 * announced when the clock moves (sweep) or when the transaction is next touched, whichever comes first. Every change
 * is written over the version read (compare-and-set): of two processes sharing the store and changing one
 * transaction at once, one wins and announces, the other applies its rule again to what won.
 */
export class Transactions {
  constructor(private readonly options: TransactionsOptions) {}

  /**
   * Writes a new transaction (authorize's approval): AUTHORIZED, or captured and COMPLETED (capture NOW); answers
   * what announces it, for once the answer that names it is recorded. Written first, so that no recorded answer names
   * a transaction the store lost; one whose answer then fails to be recorded is never announced, nor named.
   */
  created(record: TransactionRecord): Awaitable<() => void> {
    const { written, events } = this.firstWrite(record);
    return andThen(this.save(written, record.createdAt), (saved) => {
      if (saved === undefined) {
        throw new Error(`payment transaction ${record.transaction.payment_transaction_id} was there already`);
      }
      return () => this.emitAll(saved, events);
    });
  }

  /**
   * As `created`, prepared for the answer's commit to write, where the store can (Redis: the answer and the
   * transaction in one script, together or not at all); undefined where it cannot (then `created`). `announce` once
   * the commit has written it.
   */
  prepareCreated(record: TransactionRecord): { put: PreparedPut<TransactionRecord>; announce: () => void } | undefined {
    const { records } = this.options;
    if (records.prepare === undefined) return undefined;
    const { written, events } = this.firstWrite(record);
    const id = transactionUuid(written.transaction.payment_transaction_id);
    const put = records.prepare(written.account, id, written, putOptions(written, record.createdAt));
    return { put, announce: () => this.emitAll(put.written, events) };
  }

  /** A new transaction's first write, in the state it is announced in, and its events. */
  private firstWrite(record: TransactionRecord) {
    const { events, announced } = transactionEvents(
      { announced: undefined, captures: 0, refunds: 0 },
      record,
      record.createdAt,
    );
    // (newTransactionRecord has set that state already: no copy then.)
    return { written: record.announced === announced ? record : { ...record, announced }, events };
  }

  /** The transaction as it is now (clock changes announced first), or undefined. */
  get(account: string, id: string): Awaitable<TransactionRecord | undefined> {
    return andThen(this.options.records.get(account, transactionUuid(id)), (record) => record && this.notice(record));
  }

  /** Or the 404 Klarna answers. */
  find(account: string, id: string): Awaitable<TransactionRecord> {
    return andThen(this.get(account, id), (record) => {
      if (record === undefined) throw catalogue.resourceNotFound(`payment transaction ${id}`);
      return record;
    });
  }

  capture(account: string, captureId: string): Awaitable<{ record: TransactionRecord; capture: CaptureEntry }> {
    const parts = splitChildId(captureId, 'capture');
    return andThen(parts && this.get(account, parts.transactionId), (record) => {
      const capture = parts && record?.captures[parts.n - 1];
      if (record === undefined || capture === undefined)
        throw catalogue.resourceNotFound(`payment capture ${captureId}`);
      return { record, capture };
    });
  }

  refund(account: string, refundId: string): Awaitable<{ record: TransactionRecord; refund: RefundEntry }> {
    const parts = splitChildId(refundId, 'refund');
    return andThen(parts && this.get(account, parts.transactionId), (record) => {
      const refund = parts && record?.refunds[parts.n - 1];
      if (record === undefined || refund === undefined) throw catalogue.resourceNotFound(`payment refund ${refundId}`);
      return { record, refund };
    });
  }

  /** Finds the transaction (or throws the 404) and applies one rule to it (see apply). */
  change(account: string, id: string, rule: Rule): Awaitable<TransactionRecord> {
    return andThen(this.find(account, id), (record) => this.apply(record, rule));
  }

  /**
   * Applies one rule at the account's now; saves and announces what changed, or throws the refusal. A write another
   * process beat applies the rule again to the record read anew.
   */
  apply(record: TransactionRecord, rule: Rule, writes = 0): Awaitable<TransactionRecord> {
    if (writes >= MAX_WRITES) throw catalogue.unavailable();
    const now = this.options.clock.now(record.account);
    const outcome = rule(record, now);
    if (!outcome.ok) throw outcome.error satisfies KlarnaHttpError;
    return andThen(this.settle(record, outcome.record, now), (saved) => {
      if (saved !== undefined) return saved;
      return andThen(this.reread(record), (fresh) => {
        if (fresh === undefined)
          throw catalogue.resourceNotFound(`payment transaction ${record.transaction.payment_transaction_id}`);
        return this.apply(fresh, rule, writes + 1);
      });
    });
  }

  /** Announces the clock's changes of every live transaction of the account (or of all). */
  sweep(account?: string): Awaitable<void> {
    return sweepDue(this.options.records, this.options.clock, account, (name, id) => this.get(name, id));
  }

  reset(account: string): Awaitable<void> {
    return this.options.records.resetAccount(account);
  }

  /** The record with the clock's change announced (by whichever process wins that write); undefined: gone. */
  private notice(record: TransactionRecord, writes = 0): Awaitable<TransactionRecord | undefined> {
    const now = this.options.clock.now(record.account);
    if (transactionState(record, now) === record.announced) return record;
    return andThen(this.settle(record, record, now), (saved) => {
      if (saved !== undefined) return saved;
      if (writes >= MAX_WRITES) throw catalogue.unavailable();
      return andThen(this.reread(record), (fresh) => fresh && this.notice(fresh, writes + 1));
    });
  }

  private reread(record: TransactionRecord): Awaitable<TransactionRecord | undefined> {
    return this.options.records.get(record.account, transactionUuid(record.transaction.payment_transaction_id));
  }

  private settle(
    before: TransactionRecord,
    after: TransactionRecord,
    now: number,
  ): Awaitable<TransactionRecord | undefined> {
    return this.announce(
      { announced: before.announced, captures: before.captures.length, refunds: before.refunds.length },
      after,
      now,
    );
  }

  /** Saved over the version read, then its events announced; undefined (nothing announced) when another write won. */
  private announce(before: Before, after: TransactionRecord, now: number): Awaitable<TransactionRecord | undefined> {
    const { events, announced } = transactionEvents(before, after, now);
    return andThen(this.save({ ...after, announced }, now), (saved) => {
      if (saved !== undefined) this.emitAll(saved, events);
      return saved;
    });
  }

  private emitAll(record: TransactionRecord, events: ReturnType<typeof transactionEvents>['events']): void {
    for (const event of events) this.options.emit(record.account, event.type, event.payload);
  }

  /**
   * Due when the clock next changes its state: at expires_at while AUTHORIZED, at the grace's end while EXPIRED. Kept
   * at least as long again as that grace after it (a shared store's TTL; the memory store keeps it while it fits).
   */
  private save(record: TransactionRecord, now: number): Awaitable<TransactionRecord | undefined> {
    const id = transactionUuid(record.transaction.payment_transaction_id);
    return this.options.records.put(record.account, id, record, putOptions(record, now));
  }
}

/** When the record comes due and until when it is kept (Transactions.save says why). */
function putOptions(record: TransactionRecord, now: number): PutOptions {
  const state = record.announced;
  const graceEnd = record.expiresAt + CLOSE_AFTER_EXPIRY_MS;
  const dueAt = state === 'AUTHORIZED' ? record.expiresAt : state === 'EXPIRED' ? graceEnd : undefined;
  return { dueAt, keepUntil: graceEnd + CLOSE_AFTER_EXPIRY_MS, now };
}

type Rule = (record: TransactionRecord, now: number) => Outcome;
