import { LRUCache } from 'lru-cache';
import type { ClientReport, JournalEntry } from '../../../contracts/index.js';
import { decodeApart, encodeApart, type JournalRecord, MAX_RECORD_BYTES } from './journal-record.js';
import type { JournalPage, JournalPageResult, JournalStore, RecordNote } from './journal-store.js';
import { Arrivals, pageOf, reportOf } from './journal-view.js';
import { RecordIndex, TextRing } from './record-ring.js';

export interface JournalLimits {
  /** Records kept per account (the oldest go first). */
  perAccount: number;
  /** Accounts kept (the least recently used goes first). */
  accounts: number;
  /** Records older than this on their account's clock are dropped. */
  maxAgeMs: number;
  /** Bytes of all records together, as kept (encoded): past it the oldest records, of any account, go first. */
  maxBytes: number;
  now: (account: string) => number;
  /** Called once, the first time the byte or account cap makes records go. */
  onFull?: (message: string) => void;
  /** A monotonic clock in ms for each exchange's duration (default performance.now); injected by tests. */
  elapsed?: () => number;
}

export type { RecordNote };

/**
 * The request journal: per account, the last `perAccount` requests to Klarna's operations no older than `maxAgeMs`
 * on the account's clock, for at most `accounts` accounts, and no more than `maxBytes` of encoded records in all.
 * Findings are worked out when read, so recording stays cheap on the hot path. The memory journal store: every
 * method answers at once.
 *
 * A record is kept as bytes (record-ring.ts): its encoding (the Redis journal's, with the body text apart) in one
 * text ring shared by every account, in the order records are kept (it grows as the kept records need it, up to
 * `maxBytes`), and each account's place in it as numbers. The collector never sees a kept record, however many
 * requests go by; past `maxBytes` the oldest records, of whichever account, are overwritten first. A read decodes the
 * records of the accounts it reads.
 */
export class Journal implements JournalStore {
  readonly kind = 'memory';
  readonly recordsBeforeAnswer = false;
  private readonly byAccount: LRUCache<string, RecordIndex>;
  private readonly texts: TextRing;
  private warned = false;
  private readonly listeners = new Set<(note: RecordNote) => void>();
  private readonly arrivals: Arrivals;

  constructor(private readonly limits: JournalLimits) {
    this.arrivals = new Arrivals(limits.elapsed);
    // The record just kept always fits, whatever the cap.
    this.texts = new TextRing(Math.max(limits.maxBytes, MAX_RECORD_BYTES), () => this.oldestKept());
    this.byAccount = new LRUCache({
      max: limits.accounts,
      dispose: (_records, _account, reason) => {
        if (reason === 'evict') this.full(`more than ${limits.accounts} accounts (journalAccounts)`);
      },
    });
  }

  /** The next place in the order of arrival, taken when a request arrives; its record carries it as `seq`. */
  arrival(): number {
    return this.arrivals.next();
  }

  /** Where the oldest record of any account is in the text ring (asked once a lap of it). */
  private oldestKept(): number | undefined {
    let oldest: number | undefined;
    this.byAccount.forEach((records) => {
      const position = records.oldest;
      if (position !== undefined && (oldest === undefined || position < oldest)) oldest = position;
    });
    return oldest;
  }

  record(record: JournalRecord): void {
    this.arrivals.settle(record);
    let records = this.byAccount.get(record.account);
    if (records === undefined) {
      records = new RecordIndex(this.limits.perAccount);
      this.byAccount.set(record.account, records);
    }
    const [head, tail] = encodeApart(record);
    const position = this.texts.write(head, tail);
    this.dropOld(record.account, records);
    // Until the first warning, a record of another account the ring overwrote is noticed within a lap of the ring
    // (once a lap: the accounts are walked then only), not when its account is next written or read.
    if (!this.warned && this.texts.lapped) {
      this.byAccount.forEach((index, account) => {
        if (index !== records) this.dropOld(account, index);
      });
    }
    records.push(position, this.texts.lastLength, this.texts.lastSplit, record.seq, record.time);
    if (this.listeners.size > 0) this.notify({ seq: record.seq, id: record.id, account: record.account });
  }

  /**
   * Calls `listener` after each record is kept (the inspector's live list); returns the call that stops it. A
   * listener runs on the request's path, so it must be quick and must not throw: it hears a note, not the record.
   */
  onRecord(listener: (note: RecordNote) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private notify(note: RecordNote): void {
    for (const listener of this.listeners) listener(note);
  }

  /** The accounts with kept records, the most recently recorded first, at most `limit`. */
  accounts(limit = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    for (const account of this.byAccount.keys()) {
      if (out.length >= limit) break;
      out.push(account);
    }
    return out;
  }

  private full(why: string): void {
    if (this.warned) return;
    this.warned = true;
    this.limits.onFull?.(`the request journal is full, ${why}: the oldest records go first`);
  }

  /** Drops an account's records past their age, and those the text ring has overwritten (its bytes were needed). */
  private dropOld(account: string, records: RecordIndex): RecordIndex {
    const now = this.limits.now(account);
    let overwritten = false;
    records.dropOldestWhile((position, time) => {
      if (this.texts.holds(position)) return now - time >= this.limits.maxAgeMs;
      overwritten = true;
      return true;
    });
    if (overwritten) this.full(`over ${this.limits.maxBytes} bytes (journalMaxBytes)`);
    return records;
  }

  reset(account: string): void {
    this.byAccount.delete(account);
  }

  /**
   * A page of entries in the order the requests arrived, with their findings; one account, or every account. The
   * page is chosen from the kept records before any body is decoded (journal-view.ts), so a read costs what it shows,
   * not what the journal holds.
   */
  page(account?: string, page: JournalPage = {}): JournalPageResult {
    return pageOf(this.kept(account), page);
  }

  /** The newest `limit` entries (every kept one, up to a page, when not given). */
  entries(account?: string, limit?: number): JournalEntry[] {
    return this.page(account, limit === undefined ? {} : { limit }).entries;
  }

  /** The findings of every kept request, by kind. */
  report(account?: string): ClientReport {
    return reportOf(this.kept(account), account);
  }

  /**
   * The kept records, oldest first in the order the requests arrived (answers can come back in another order,
   * delayed by a scenario; account clocks can be moved apart, or back, so their times cannot say it). Each record is
   * decoded here; its body text stays text.
   */
  private kept(account?: string): JournalRecord[] {
    const accounts = account === undefined ? [...this.byAccount.keys()] : [account];
    const records: JournalRecord[] = [];
    for (const name of accounts) {
      const kept = this.byAccount.peek(name);
      if (kept === undefined) continue;
      this.dropOld(name, kept).forEach((position, length, split, seq) => {
        const [head, tail] = [this.texts.read(position, 0, split), this.texts.read(position, split, length)];
        records.push(decodeApart(head, tail, seq, name));
      });
    }
    return records.sort((a, b) => a.seq - b.seq);
  }
}
