import type { ClientReport, Finding, JournalEntry } from '../../../contracts/index.js';
import { canonicalAuthorizeBody } from '../authorize/canonical-body.js';
import { fingerprint, tokenHashes } from '../idempotency.js';
import { isoTime } from '../iso-time.js';
import { redactUrl } from '../redact-url.js';
import { redactHeaders } from '../redacted-headers.js';
import { clientFindings, failed } from './client-findings.js';
import { bodyOf, type JournalRecord } from './journal-record.js';
import type { JournalPage, JournalPageResult } from './journal-store.js';

// What a journal read shows, worked out from the kept records, oldest first, whichever store kept them: the memory
// journal reads its ring buffers, a shared one its Redis streams.

/** Requests in flight whose arrival is remembered for their duration: past this, the oldest are forgotten. */
export const MAX_IN_FLIGHT = 10_000;

/**
 * This process's order of arrival and each request's arrival time (on a monotonic clock): what a record is given when
 * it is kept, the same in every journal store.
 */
export class Arrivals {
  private arrived = 0;
  /** Arrival (on `elapsed`) of each request in flight, by seq: a request that never records is forgotten by age. */
  private readonly inFlight = new Map<number, number>();

  constructor(private readonly elapsed: () => number = () => performance.now()) {}

  /** The next place in the order of arrival, taken when a request arrives; its record carries it as `seq`. */
  next(): number {
    this.arrived += 1;
    this.inFlight.set(this.arrived, this.elapsed());
    if (this.inFlight.size > MAX_IN_FLIGHT) this.inFlight.delete(this.inFlight.keys().next().value as number);
    return this.arrived;
  }

  /**
   * Fills in what a record gets when it is kept: the exchange's duration, arrival to answer (or fault), on the
   * monotonic clock (the inspector shows it, and certify works out each attempt's arrival from it: the record's time
   * is taken when the answer goes), and a failed request's fingerprint, worked out now (failures are few) so that
   * reads need not decode every body to find the one a retry refers to.
   */
  settle(record: JournalRecord): void {
    const arrived = this.inFlight.get(record.seq);
    if (arrived !== undefined) {
      this.inFlight.delete(record.seq);
      record.durationMs ??= Math.max(0, Math.round((this.elapsed() - arrived) * 10) / 10);
    }
    if (record.fingerprint === undefined && record.valid && failed(record)) {
      record.fingerprint = printOf(record, bodyOf(record));
    }
  }
}

/** Records kept by `page` when no limit is given, and the body text one page may decode. */
const DEFAULT_PAGE = 1000;
const PAGE_MAX_BYTES = 1024 * 1024;

/**
 * A page of entries from `records` (oldest first), with their findings. The page is chosen before any body is
 * decoded (newest first: skip `offset`, take `limit`, stop at `maxBytes` of kept body text), so a read costs what it
 * shows, not what the journal holds.
 */
export function pageOf(records: readonly JournalRecord[], page: JournalPage = {}): JournalPageResult {
  const { limit = DEFAULT_PAGE, offset = 0, maxBytes = PAGE_MAX_BYTES } = page;
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
  const entries = chosen.reverse().map((record) => entryOf(record, failures));
  return { entries, total: records.length, truncated };
}

/**
 * The findings of every record, by kind. Computed one record at a time, each body decoded and let go before the
 * next, so the heap holds one body whatever the journal's size.
 */
export function reportOf(records: readonly JournalRecord[], account: string | undefined): ClientReport {
  const failures = failuresByPrint(records);
  const summaries = new Map<string, ClientReport['findings'][number]>();
  let errors = 0;
  let warnings = 0;
  for (const record of records) {
    const entry = entryOf(record, failures);
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

function entryOf(record: JournalRecord, failures: Map<string, JournalRecord[]>): JournalEntry {
  const body = bodyOf(record);
  const print = record.valid ? (record.fingerprint ?? printOf(record, body)) : undefined;
  const before = print === undefined ? [] : (failures.get(print) ?? []).filter((r) => r.seq < record.seq);
  return view(record, body, clientFindings(record, body, before));
}

/** Fingerprint of a record without key or token (those carry theirs), worked out from the kept body. */
function printOf(record: JournalRecord, body: unknown): string {
  return fingerprint({
    method: record.method,
    account: record.account,
    body,
    canonicalBody: canonicalAuthorizeBody(body),
    tokens: tokenHashes(record.headers),
  });
}

/**
 * Earlier failures by fingerprint, for the retry-under-a-new-key finding. A failed record gets its fingerprint when
 * it is kept (Arrivals.settle), so nothing is decoded here.
 */
function failuresByPrint(records: readonly JournalRecord[]): Map<string, JournalRecord[]> {
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
    time: isoTime(record.time),
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
