import type { DriftReport } from '../../../contracts/index.js';
import type { SideCheck } from './check-exchange.js';

export interface DriftLimits {
  /** Kinds of drift kept (an unknown field, a violation or a status of one operation is one kind). */
  maxEntries: number;
  /** Their estimated size together: examples and paths are the upstream's text, so they are bounded too. */
  maxBytes: number;
  /** Examples kept per kind. */
  examples: number;
}

export const DRIFT_LIMITS: DriftLimits = { maxEntries: 500, maxBytes: 256 * 1024, examples: 3 };

type Unknown = DriftReport['unknown_fields'][number];
type Violated = DriftReport['violations'][number];
type Status = DriftReport['undocumented_statuses'][number];
type Entry =
  | { kind: 'unknown'; value: Unknown }
  | { kind: 'violation'; value: Violated }
  | { kind: 'status'; value: Status };

/** A value at such a path is a credential (a session or customer token, a signing key): never shown, even malformed. */
const SECRET = /token|secret|signing_key|password/i;

/** Array indices as `[]`: the same field of every line item is one kind of drift, not one per item. */
const normalized = (path: string) => path.replace(/\[\d+\]/g, '[]');

/**
 * Where an upstream's answers leave the contracts, counted by kind with a few examples each; bounded by kinds and
 * bytes (the upstream chooses the field names), past which new kinds are only counted as dropped.
 */
export class DriftTracker {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private dropped = 0;
  private checked = 0;
  private unchecked = 0;
  private failures = 0;

  constructor(
    private readonly upstream: string,
    private readonly limits: DriftLimits = DRIFT_LIMITS,
  ) {}

  noteUnchecked(): void {
    this.unchecked += 1;
  }

  noteFailure(): void {
    this.failures += 1;
  }

  /** One answer of a documented operation, with what checkResponse found in it. */
  note(answer: { operation: string; status: number; documented: number[]; requestId: string }, found: SideCheck) {
    const { operation, status, documented, requestId } = answer;
    this.checked += 1;
    if (!documented.includes(status)) {
      const key = `status ${operation} ${status}`;
      this.add(key, () => ({ kind: 'status', value: { operation, status, documented, count: 0, examples: [] } }));
      this.example(key, requestId);
    }
    for (const field of found.unknownFields) {
      const path = normalized(field);
      const key = `unknown ${operation} ${status} ${path}`;
      this.add(key, () => ({ kind: 'unknown', value: { operation, status, path, count: 0, examples: [] } }));
      this.example(key, requestId);
    }
    for (const violation of found.violations) {
      const path = normalized(violation.path);
      const key = `violation ${operation} ${status} ${path} ${violation.expected}`;
      const value = { operation, status, path, expected: violation.expected, count: 0, examples: [] };
      this.add(key, () => ({ kind: 'violation', value }));
      this.example(key, requestId, SECRET.test(path) ? '[redacted]' : violation.received);
    }
  }

  private add(key: string, make: () => Entry): void {
    if (this.entries.has(key)) return;
    const size = 128 + key.length * 2;
    if (this.entries.size >= this.limits.maxEntries || this.bytes + size > this.limits.maxBytes) {
      this.dropped += 1;
      return;
    }
    this.bytes += size;
    this.entries.set(key, make());
  }

  private example(key: string, requestId: string, received?: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    entry.value.count += 1;
    const size = requestId.length + (received?.length ?? 0) + 32;
    if (entry.value.examples.length >= this.limits.examples || this.bytes + size > this.limits.maxBytes) return;
    this.bytes += size;
    if (entry.kind === 'violation') entry.value.examples.push({ request_id: requestId, received: received ?? '' });
    else entry.value.examples.push(requestId);
  }

  report(): DriftReport {
    const of = <K extends Entry['kind']>(kind: K) =>
      [...this.entries.values()]
        .filter((entry): entry is Extract<Entry, { kind: K }> => entry.kind === kind)
        .map((entry) => entry.value as Extract<Entry, { kind: K }>['value']);
    return {
      upstream: this.upstream,
      checked: this.checked,
      unchecked: this.unchecked,
      upstream_failures: this.failures,
      unknown_fields: of('unknown'),
      violations: of('violation'),
      undocumented_statuses: of('status'),
      dropped: this.dropped,
    };
  }
}
