import { LRUCache } from 'lru-cache';
import type { ClientReport, Finding, JournalEntry } from '../../contracts/index.js';
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
 * The request journal: per account, the last `perAccount` authorize requests (a ring buffer) no older than
 * `maxAgeMs` on the account's clock, for at most `accounts` accounts, and no more than `maxBytes` in all. Findings
 * are worked out when read, so recording stays cheap on the hot path.
 */
export class Journal {
  private readonly byAccount: LRUCache<string, AccountRecords>;
  private bytes = 0;
  private arrived = 0;

  constructor(private readonly limits: JournalLimits) {
    this.byAccount = new LRUCache({
      max: limits.accounts,
      // An account forgotten (least recently used, or reset) gives its bytes back.
      dispose: (records) => {
        this.bytes -= records.bytes;
      },
    });
  }

  /** The next place in the order of arrival, taken when a request arrives; its record carries it as `seq`. */
  arrival(): number {
    this.arrived += 1;
    return this.arrived;
  }

  record(record: JournalRecord): void {
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
      if (records.ring.size === 0) this.byAccount.delete(account);
    }
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

  /** Entries in the order the requests arrived, with their findings; one account, or every account. */
  entries(account?: string): JournalEntry[] {
    const accounts = account === undefined ? [...this.byAccount.keys()] : [account];
    const out: Array<{ seq: number; entry: JournalEntry }> = [];
    for (const name of accounts) {
      const kept = this.byAccount.peek(name);
      const records = kept === undefined ? [] : this.dropOld(name, kept).toArray();
      // One pass: earlier failures by fingerprint, so a retry under a new key is found without rescanning.
      const failures = new Map<string, JournalRecord[]>();
      for (const record of records) {
        const body = bodyOf(record);
        const print = record.valid
          ? (record.fingerprint ??
            fingerprint({ method: record.method, account: name, body, tokens: tokenHashes(record.headers) }))
          : undefined;
        const findings = clientFindings(record, body, print === undefined ? [] : (failures.get(print) ?? []));
        out.push({ seq: record.seq, entry: view(record, body, findings) });
        if (print !== undefined && failed(record)) failures.set(print, [...(failures.get(print) ?? []), record]);
      }
    }
    // In the order the requests arrived (answers can come back in another order, delayed by a scenario); account
    // clocks can be moved apart, or back, so their times cannot say it.
    return out.sort((a, b) => a.seq - b.seq).map((kept) => kept.entry);
  }

  report(account?: string): ClientReport {
    const entries = this.entries(account);
    const summaries = new Map<string, ClientReport['findings'][number]>();
    let errors = 0;
    let warnings = 0;
    for (const entry of entries) {
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
    return { account: account ?? null, requests: entries.length, errors, warnings, findings };
  }
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
    findings,
  };
}
