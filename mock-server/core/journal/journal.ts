import { LRUCache } from 'lru-cache';
import type { ClientReport, JournalEntry } from '../../../contracts/index.js';
import type { JournalRecord } from './journal-record.js';
import type { JournalPage, JournalPageResult, JournalStore, RecordNote } from './journal-store.js';
import { Arrivals, pageOf, reportOf } from './journal-view.js';
import { RingBuffer } from './ring-buffer.js';

export interface JournalLimits {
  /** Records kept per account (the oldest go first). */
  perAccount: number;
  /** Accounts kept (the least recently used goes first). */
  accounts: number;
  /** Records older than this on their account's clock are dropped. */
  maxAgeMs: number;
  /** Estimated bytes of all records together: past it the least recently used account loses its oldest record. */
  maxBytes: number;
  now: (account: string) => number;
  /** Called once, the first time the byte or account cap makes records go. */
  onFull?: (message: string) => void;
  /** A monotonic clock in ms for each exchange's duration (default performance.now); injected by tests. */
  elapsed?: () => number;
}

export type { RecordNote };

interface AccountRecords {
  ring: RingBuffer<JournalRecord>;
  bytes: number;
}

/** What a record holds, roughly: its body text, its headers and the rest of its fields. */
export function recordBytes(record: JournalRecord): number {
  let bytes = 512 + (record.bodyText?.length ?? 0);
  for (const name in record.headers) {
    const value = record.headers[name];
    bytes += name.length + (typeof value === 'string' ? value.length : 64);
  }
  return bytes;
}

/**
 * The request journal: per account, the last `perAccount` requests to Klarna's operations (a ring buffer) no
 * older than `maxAgeMs` on the account's clock, for at most `accounts` accounts, and no more than `maxBytes` in all.
 * Findings are worked out when read, so recording stays cheap on the hot path. The memory journal store: every
 * method answers at once.
 */
export class Journal implements JournalStore {
  readonly kind = 'memory';
  readonly recordsBeforeAnswer = false;
  private readonly byAccount: LRUCache<string, AccountRecords>;
  private bytes = 0;
  private warned = false;
  private readonly listeners = new Set<(note: RecordNote) => void>();
  private readonly arrivals: Arrivals;

  constructor(private readonly limits: JournalLimits) {
    this.arrivals = new Arrivals(limits.elapsed);
    this.byAccount = new LRUCache({
      max: limits.accounts,
      // An account forgotten (least recently used, or reset) gives its bytes back.
      dispose: (records, _account, reason) => {
        this.bytes -= records.bytes;
        if (reason === 'evict') this.full(`more than ${limits.accounts} accounts (journalAccounts)`);
      },
    });
  }

  /** The next place in the order of arrival, taken when a request arrives; its record carries it as `seq`. */
  arrival(): number {
    return this.arrivals.next();
  }

  record(record: JournalRecord): void {
    this.arrivals.settle(record);
    let records = this.byAccount.get(record.account);
    if (records === undefined) {
      records = { ring: new RingBuffer(this.limits.perAccount), bytes: 0 };
      this.byAccount.set(record.account, records);
    }
    this.dropOld(record.account, records);
    const size = recordBytes(record);
    records.bytes += size;
    this.bytes += size;
    const overwritten = records.ring.push(record);
    if (overwritten !== undefined) this.forget(records, overwritten);
    this.keepWithinBytes();
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

  /** The least recently used account loses its oldest records first; the record just made always stays. */
  private keepWithinBytes(): void {
    while (this.bytes > this.limits.maxBytes) {
      const account = this.byAccount.rkeys().next().value;
      const records = account === undefined ? undefined : this.byAccount.peek(account);
      if (account === undefined || records === undefined || (this.bytes === records.bytes && records.ring.size <= 1)) {
        return;
      }
      const oldest = records.ring.shift();
      if (oldest !== undefined) this.forget(records, oldest);
      this.full(`over ${this.limits.maxBytes} bytes (journalMaxBytes)`);
      if (records.ring.size === 0) this.byAccount.delete(account);
    }
  }

  private full(why: string): void {
    if (this.warned) return;
    this.warned = true;
    this.limits.onFull?.(`the request journal is full, ${why}: the oldest records go first`);
  }

  private forget(records: AccountRecords, record: JournalRecord): void {
    const size = recordBytes(record);
    records.bytes -= size;
    this.bytes -= size;
  }

  private dropOld(account: string, records: AccountRecords): RingBuffer<JournalRecord> {
    const now = this.limits.now(account);
    records.ring.dropOldestWhile(
      (record) => now - record.time >= this.limits.maxAgeMs,
      (record) => this.forget(records, record),
    );
    return records.ring;
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
   * delayed by a scenario; account clocks can be moved apart, or back, so their times cannot say it). No body is
   * decoded here.
   */
  private kept(account?: string): JournalRecord[] {
    const accounts = account === undefined ? [...this.byAccount.keys()] : [account];
    const records: JournalRecord[] = [];
    for (const name of accounts) {
      const kept = this.byAccount.peek(name);
      if (kept !== undefined) records.push(...this.dropOld(name, kept).toArray());
    }
    return records.sort((a, b) => a.seq - b.seq);
  }
}
