import type { ClientReport, JournalEntry } from '../../../contracts/index.js';
import type { Awaitable } from '../awaitable.js';
import type { JournalRecord } from './journal-record.js';

// Issue 15: the request journal lives in this process (Journal, a ring buffer per account: every method answers at
// once, no microtask on the hot path) or in a store shared by many processes (Redis: every instance reads the same
// journal). Findings are worked out by the reader, from the kept records (journal-view.ts), whichever store keeps them.

/** What a listener hears of a record just kept: enough to fetch it through the paged journal read. */
export interface RecordNote {
  /** Its place in the journal's order: across accounts in memory, within its account in a shared journal. */
  seq: number;
  id: string;
  account: string;
}

/** A page of the journal read: newest first skip `offset`, take `limit`, stop at `maxBytes` of kept body text. */
export interface JournalPage {
  limit?: number;
  offset?: number;
  maxBytes?: number;
}

export interface JournalPageResult {
  entries: JournalEntry[];
  total: number;
  truncated: boolean;
}

/**
 * The request journal of Klarna operations, per partner account, bounded by entries, accounts, age and bytes. A
 * shared journal's reads may answer with a promise, and reject with the catalogue's 503 when its store cannot be
 * reached; its writes never reject (a lost record is counted and warned of, never the request's failure).
 */
export interface JournalStore {
  /** 'memory', or 'redis' for a journal every instance shares. */
  readonly kind: string;
  /**
   * A shared journal's record is written before the answer is sent (the answer waits for it), so that a read on any
   * instance after the client got its answer sees it. The memory journal records after the answer has gone.
   */
  readonly recordsBeforeAnswer: boolean;
  /** The next place in this process's order of arrival, taken when a request arrives; its record carries it as `seq`. */
  arrival(): number;
  /** Keeps one record; a shared journal resolves once the store has it (or the write failed, which it reports). */
  record(record: JournalRecord): Awaitable<void>;
  /** Calls `listener` after each record is kept (the inspector's live list); returns the call that stops it. */
  onRecord(listener: (note: RecordNote) => void): () => void;
  /** The accounts with kept records, the most recently recorded first, at most `limit`. */
  accounts(limit?: number): Awaitable<string[]>;
  /** Forgets one account's records (the admin reset). */
  reset(account: string): Awaitable<void>;
  /** A page of entries in the journal's order, with their findings; one account, or every account. */
  page(account?: string, page?: JournalPage): Awaitable<JournalPageResult>;
  /** The newest `limit` entries (every kept one, up to a page, when not given). */
  entries(account?: string, limit?: number): Awaitable<JournalEntry[]>;
  /** The findings of every kept request, by kind. */
  report(account?: string): Awaitable<ClientReport>;
  /** A shared journal waits for its writes in flight and stops listening (the app closes). */
  close?(): Promise<void>;
}
