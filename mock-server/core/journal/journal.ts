import { LRUCache } from 'lru-cache';
import type { ClientReport, Finding, JournalEntry } from '../../../contracts/index.js';
import { fingerprint, tokenHashes } from '../idempotency.js';
import { redactUrl } from '../redact-url.js';
import { clientFindings, failed } from './client-findings.js';
import { bodyOf, type JournalRecord, redactHeaders } from './journal-record.js';
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

/** Requests in flight whose arrival is remembered for their duration: past this, the oldest are forgotten. */
export const MAX_IN_FLIGHT = 10_000;

/** What a listener hears of a record just kept: enough to fetch it through the paged journal read. */
export interface RecordNote {
  seq: number;
  id: string;
  account: string;
}

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
 * Findings are worked out when read, so recording stays cheap on the hot path.
 */
export class Journal {
  private readonly byAccount: LRUCache<string, AccountRecords>;
  private bytes = 0;
  private arrived = 0;
  private warned = false;
  private readonly listeners = new Set<(note: RecordNote) => void>();
  /** Arrival (on `elapsed`) of each request in flight, by seq: a request that never records is forgotten by age. */
  private readonly inFlight = new Map<number, number>();
  private readonly elapsed: () => number;

  constructor(private readonly limits: JournalLimits) {
    this.elapsed = limits.elapsed ?? (() => performance.now());
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
    this.arrived += 1;
    this.inFlight.set(this.arrived, this.elapsed());
    if (this.inFlight.size > MAX_IN_FLIGHT) this.inFlight.delete(this.inFlight.keys().next().value as number);
    return this.arrived;
  }

  record(record: JournalRecord): void {
    // The exchange's duration, arrival to answer (or fault), on the monotonic clock: the inspector shows it, and
    // certify works out each attempt's arrival from it (the record's time is taken when the answer has gone).
    const arrived = this.inFlight.get(record.seq);
    if (arrived !== undefined) {
      this.inFlight.delete(record.seq);
      record.durationMs ??= Math.max(0, Math.round((this.elapsed() - arrived) * 10) / 10);
    }
    // A failed request is the one a retry refers to: its fingerprint is worked out now (failures are few), so that
    // reads need not decode every body to find it.
    if (record.fingerprint === undefined && record.valid && failed(record)) {
      record.fingerprint = printOf(record, bodyOf(record));
    }
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
   * page is chosen from the kept records before any body is decoded (newest first: skip `offset`, take `limit`, stop
   * at `maxBytes` of kept body text), so a read costs what it shows, not what the journal holds.
   */
  page(account?: string, page: JournalPage = {}): { entries: JournalEntry[]; total: number; truncated: boolean } {
    const { limit = DEFAULT_PAGE, offset = 0, maxBytes = PAGE_MAX_BYTES } = page;
    const records = this.kept(account);
    const chosen: JournalRecord[] = [];
    let bytes = 0;
    let truncated = false;
    for (let i = records.length - 1 - offset; i >= 0; i -= 1) {
      const record = records[i] as JournalRecord;
      const size = record.bodyText?.length ?? 0;
      if (chosen.length === limit || (chosen.length > 0 && bytes + size > maxBytes)) {
        truncated = true;
        break;
      }
      bytes += size;
      chosen.push(record);
    }
    const failures = failuresByPrint(records);
    const entries = chosen.reverse().map((record) => this.entryOf(record, failures));
    return { entries, total: records.length, truncated };
  }

  /** The newest `limit` entries (every kept one, up to DEFAULT_PAGE, when not given). */
  entries(account?: string, limit?: number): JournalEntry[] {
    return this.page(account, limit === undefined ? {} : { limit }).entries;
  }

  /**
   * The findings of every kept request, by kind. Computed one record at a time, each body decoded and let go before
   * the next, so the heap holds one body whatever the journal's size.
   */
  report(account?: string): ClientReport {
    const records = this.kept(account);
    const failures = failuresByPrint(records);
    const summaries = new Map<string, ClientReport['findings'][number]>();
    let errors = 0;
    let warnings = 0;
    for (const record of records) {
      const entry = this.entryOf(record, failures);
      for (const finding of entry.findings) {
        if (finding.severity === 'error') errors += 1;
        else warnings += 1;
        const key = `${finding.severity}:${finding.code}`;
        const summary = summaries.get(key) ?? {
          severity: finding.severity,
          code: finding.code,
          count: 0,
          examples: [],
        };
        summary.count += 1;
        if (summary.examples.length < 5) summary.examples.push(example(entry.id, finding));
        summaries.set(key, summary);
      }
    }
    const findings = [...summaries.values()].sort((a, b) =>
      a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1,
    );
    return { account: account ?? null, requests: records.length, errors, warnings, findings };
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

  private entryOf(record: JournalRecord, failures: Map<string, JournalRecord[]>): JournalEntry {
    const body = bodyOf(record);
    const print = record.valid ? (record.fingerprint ?? printOf(record, body)) : undefined;
    const before = print === undefined ? [] : (failures.get(print) ?? []).filter((r) => r.seq < record.seq);
    return view(record, body, clientFindings(record, body, before));
  }
}

/** Records kept by `page` when no limit is given, and the body text one page may decode. */
const DEFAULT_PAGE = 1000;
const PAGE_MAX_BYTES = 1024 * 1024;

export interface JournalPage {
  limit?: number;
  offset?: number;
  maxBytes?: number;
}

/** Fingerprint of a record without key or token (those carry theirs), worked out from the kept body. */
function printOf(record: JournalRecord, body: unknown): string {
  return fingerprint({ method: record.method, account: record.account, body, tokens: tokenHashes(record.headers) });
}

/**
 * Earlier failures by fingerprint, for the retry-under-a-new-key finding. A failed record gets its fingerprint when
 * it is recorded (record()), so nothing is decoded here.
 */
function failuresByPrint(records: JournalRecord[]): Map<string, JournalRecord[]> {
  const failures = new Map<string, JournalRecord[]>();
  for (const record of records) {
    if (record.fingerprint === undefined || !failed(record)) continue;
    const list = failures.get(record.fingerprint);
    if (list === undefined) failures.set(record.fingerprint, [record]);
    else list.push(record);
  }
  return failures;
}

function example(id: string, finding: Finding) {
  return {
    request_id: id,
    ...(finding.parameter !== undefined && { parameter: finding.parameter }),
    message: finding.message,
  };
}

function view(record: JournalRecord, body: unknown, findings: Finding[]): JournalEntry {
  return {
    id: record.id,
    time: new Date(record.time).toISOString(),
    account: record.account,
    method: record.method,
    path: redactUrl(record.path),
    headers: redactHeaders(record.headers),
    // Sent without a body: null, so the entry still has the field its contract requires.
    body: body === undefined ? null : body,
    ...(record.status !== undefined && { status: record.status }),
    ...(record.fault !== undefined && { fault: record.fault }),
    ...(record.result !== undefined && { result: record.result }),
    ...(record.scenario !== undefined && { scenario: record.scenario }),
    replayed: record.replayed,
    ...(record.durationMs !== undefined && { duration_ms: record.durationMs }),
    findings,
  };
}
