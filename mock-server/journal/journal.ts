import { LRUCache } from 'lru-cache';
import type { ClientReport, Finding, JournalEntry } from '../../contracts/index.js';
import { fingerprint } from '../idempotency.js';
import { clientFindings, failed } from './client-findings.js';
import { bodyOf, type JournalRecord, redactHeaders } from './journal-record.js';
import { RingBuffer } from './ring-buffer.js';

/**
 * The request journal: per account, the last `perAccount` authorize requests (a ring buffer) no older than
 * `maxAgeMs` on the account's clock, for at most `accounts` accounts. Findings are worked out when read, so
 * recording stays cheap on the hot path.
 */
export class Journal {
  private readonly byAccount: LRUCache<string, RingBuffer<JournalRecord>>;

  constructor(
    private readonly perAccount: number,
    accounts: number,
    private readonly maxAgeMs: number = Number.POSITIVE_INFINITY,
    private readonly now: (account: string) => number = () => Date.now(),
  ) {
    this.byAccount = new LRUCache({ max: accounts });
  }

  record(record: JournalRecord): void {
    let buffer = this.byAccount.get(record.account);
    if (buffer === undefined) {
      buffer = new RingBuffer(this.perAccount);
      this.byAccount.set(record.account, buffer);
    }
    this.dropOld(record.account, buffer);
    buffer.push(record);
  }

  private dropOld(account: string, buffer: RingBuffer<JournalRecord>): RingBuffer<JournalRecord> {
    const now = this.now(account);
    buffer.dropOldestWhile((record) => now - record.time >= this.maxAgeMs);
    return buffer;
  }

  reset(account: string): void {
    this.byAccount.delete(account);
  }

  /** Entries oldest first, with their findings; one account, or every account. */
  entries(account?: string): JournalEntry[] {
    const accounts = account === undefined ? [...this.byAccount.keys()] : [account];
    const out: JournalEntry[] = [];
    for (const name of accounts) {
      const buffer = this.byAccount.peek(name);
      const records = buffer === undefined ? [] : this.dropOld(name, buffer).toArray();
      // One pass: earlier failures by fingerprint, so a retry under a new key is found without rescanning.
      const failures = new Map<string, JournalRecord[]>();
      for (const record of records) {
        const body = bodyOf(record);
        const print = record.valid
          ? (record.fingerprint ?? fingerprint({ method: record.method, account: name, body }))
          : undefined;
        out.push(
          view(record, body, clientFindings(record, body, print === undefined ? [] : (failures.get(print) ?? []))),
        );
        if (print !== undefined && failed(record)) failures.set(print, [...(failures.get(print) ?? []), record]);
      }
    }
    return out.sort((a, b) => a.time.localeCompare(b.time));
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
    path: record.path,
    headers: redactHeaders(record.headers),
    body,
    ...(record.status !== undefined && { status: record.status }),
    ...(record.fault !== undefined && { fault: record.fault }),
    ...(record.result !== undefined && { result: record.result }),
    ...(record.scenario !== undefined && { scenario: record.scenario }),
    replayed: record.replayed,
    findings,
  };
}
