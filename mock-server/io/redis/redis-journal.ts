import type { Redis } from 'ioredis';
import type { ClientReport, JournalEntry } from '../../../contracts/index.js';
import type { JournalLimits } from '../../core/journal/journal.js';
import { decodeRecord, encodeRecord, type JournalRecord, MAX_RECORD_BYTES } from '../../core/journal/journal-record.js';
import type { JournalPage, JournalPageResult, JournalStore, RecordNote } from '../../core/journal/journal-store.js';
import { Arrivals, pageOf, reportOf } from '../../core/journal/journal-view.js';
import { type RedisClient, RedisGuard } from './redis-commands.js';
import { DEFAULT_NAMESPACE, journalChannel, journalIndexKey, journalKeys } from './redis-keys.js';
import { JOURNAL_APPEND, JOURNAL_INDEX } from './redis-scripts.js';

/** An account's place in the index of accounts is written once a second at most per instance (and on its first record). */
const INDEX_EVERY_MS = 1_000;
/** Accounts whose streams a read of every account fetches at once. */
const READ_BATCH = 16;
/** The TTL of every journal key: the journal's age plus this margin (records are judged on the account clock). */
const TTL_MARGIN_MS = 60_000;

export interface RedisJournalOptions {
  limits: JournalLimits;
  /** Prefix of every key (default `km:`), as the answer store's. */
  namespace?: string;
  /** Hears a lost Redis (once per outage, and once when writes succeed again) and a full journal. */
  warn?: (message: string) => void;
}

interface Scripts {
  kmJournalAppend(...args: (string | number)[]): Promise<number>;
  kmJournalIndex(...args: (string | number)[]): Promise<string[]>;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * The request journal in Redis (docs/simulator-choices.md#shared-store), shared by every instance: per account one
 * stream of records (`km:journal:{<account>}`) in the order they reached Redis, capped by `journalSize` records and
 * `journalMaxBytes` bytes in one Lua script, with a TTL of `journalMaxAgeMs` (plus a minute) refreshed on each write,
 * and an index of accounts capped by `journalAccounts`. A write is one round trip (two when the account's place in
 * the index is due); it never fails the request: a lost record is counted and warned of. Reads wait for this
 * instance's writes in flight, then read Redis: a Redis that cannot be reached is the catalogue's 503.
 */
export class RedisJournal implements JournalStore {
  readonly kind = 'redis';
  readonly recordsBeforeAnswer = true;
  private readonly namespace: string;
  private readonly scripts: Scripts;
  private readonly arrivals: Arrivals;
  private readonly ttlMs: number;
  /** journalSize records of the largest size fit in journalMaxBytes: the append trims by count alone (JOURNAL_APPEND). */
  private readonly countBoundsBytes: boolean;
  private readonly elapsed: () => number;
  /** Writes (and resets) of this instance still in flight: a read waits for them. They never reject. */
  private readonly pending = new Set<Promise<void>>();
  /** When this instance last wrote each account's place in the index (ms, on `elapsed`). */
  private readonly indexed = new Map<string, number>();
  private readonly listeners = new Set<(note: RecordNote) => void>();
  private subscriber: Redis | undefined;
  private lostRecords = 0;
  private writesFailing = false;
  private readonly reads: RedisGuard;
  private warnedFull = false;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisJournalOptions,
  ) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.elapsed = options.limits.elapsed ?? (() => performance.now());
    this.arrivals = new Arrivals(options.limits.elapsed);
    this.ttlMs = options.limits.maxAgeMs + TTL_MARGIN_MS;
    this.countBoundsBytes = options.limits.perAccount * MAX_RECORD_BYTES <= options.limits.maxBytes;
    this.reads = new RedisGuard(options.warn, 'request journal in Redis');
    client.defineCommand('kmJournalAppend', { lua: JOURNAL_APPEND });
    client.defineCommand('kmJournalIndex', { lua: JOURNAL_INDEX });
    this.scripts = client as unknown as Scripts;
  }

  /** Records this instance could not write since it started (Redis away or full). */
  get lost(): number {
    return this.lostRecords;
  }

  arrival(): number {
    return this.arrivals.next();
  }

  record(record: JournalRecord): Promise<void> {
    this.arrivals.settle(record);
    return this.track(
      this.append(record).then(
        () => this.wrote(),
        (error: Error) => this.lose(error),
      ),
    );
  }

  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }

  private async append(record: JournalRecord): Promise<void> {
    const { limits } = this.options;
    const keys = journalKeys(this.namespace, record.account);
    const text = encodeRecord(record);
    const bytes = Buffer.byteLength(text);
    const due = this.indexDue(record.account);
    // The announcement's JSON but its seq, which the script adds.
    const note = `${JSON.stringify({ id: record.id, account: record.account }).slice(0, -1)},"seq":`;
    const [seq] = await Promise.all([
      this.scripts.kmJournalAppend(
        2,
        keys.stream,
        keys.meta,
        text,
        bytes,
        limits.perAccount,
        limits.maxBytes,
        this.ttlMs,
        journalChannel(this.namespace),
        note,
        this.countBoundsBytes && bytes <= MAX_RECORD_BYTES ? '1' : '0',
      ),
      due ? this.index(record.account) : undefined,
    ]);
    // The account's first record (or its first since a reset on any instance): its place in the index at once.
    if (!due && Number(seq) === 1) await this.index(record.account);
  }

  private indexDue(account: string): boolean {
    const now = this.elapsed();
    const last = this.indexed.get(account);
    if (last !== undefined && now - last < INDEX_EVERY_MS) return false;
    // Bounded: past twice the accounts kept, the times are forgotten (each account is then written again once).
    if (this.indexed.size >= 2 * this.options.limits.accounts) this.indexed.clear();
    this.indexed.set(account, now);
    return true;
  }

  private async index(account: string): Promise<void> {
    const { limits } = this.options;
    const dropped = await this.scripts.kmJournalIndex(
      1,
      journalIndexKey(this.namespace),
      account,
      limits.accounts,
      limits.maxAgeMs,
      this.ttlMs,
    );
    if (dropped.length === 0) return;
    await Promise.all(dropped.map((name) => this.forget(name)));
    if (!this.warnedFull) {
      this.warnedFull = true;
      this.options.warn?.(
        `the request journal is full, more than ${limits.accounts} accounts (journalAccounts): the least recently used go first`,
      );
    }
  }

  private async forget(account: string): Promise<void> {
    const keys = journalKeys(this.namespace, account);
    await this.client.del(keys.stream, keys.meta);
  }

  private wrote(): void {
    if (!this.writesFailing) return;
    this.writesFailing = false;
    this.options.warn?.(`the request journal writes to Redis again (${this.lostRecords} records lost so far)`);
  }

  private lose(error: Error): void {
    this.lostRecords += 1;
    if (this.writesFailing) return;
    this.writesFailing = true;
    this.options.warn?.(
      `the request journal could not write to Redis (${error.message}): records are lost until it answers again; requests are served as usual`,
    );
  }

  /** Every instance's records are announced on one channel; one subscriber connection while anyone listens. */
  onRecord(listener: (note: RecordNote) => void): () => void {
    this.listeners.add(listener);
    if (this.subscriber === undefined) this.subscribe();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.unsubscribe();
    };
  }

  private subscribe(): void {
    // A Cluster's duplicate is a Cluster: PUBLISH reaches every node, so any one of them delivers.
    const subscriber = (this.client as Redis).duplicate();
    this.subscriber = subscriber;
    // Losses are reported by the main connection; ioredis reconnects and subscribes again by itself.
    subscriber.on('error', () => {});
    subscriber.on('message', (_channel: string, text: string) => {
      const note = parseNote(text);
      if (note !== undefined) for (const listener of this.listeners) listener(note);
    });
    subscriber
      .connect()
      .then(() => subscriber.subscribe(journalChannel(this.namespace)))
      .catch((error: Error) =>
        this.options.warn?.(`the request journal cannot hear other instances: ${error.message}`),
      );
  }

  private unsubscribe(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  async accounts(limit = Number.POSITIVE_INFINITY): Promise<string[]> {
    const count = Math.min(limit, this.options.limits.accounts);
    return this.read(() => this.client.zrevrange(journalIndexKey(this.namespace), 0, count - 1));
  }

  reset(account: string): Promise<void> {
    this.indexed.delete(account);
    return this.track(
      this.read(async () => {
        await Promise.all([this.forget(account), this.client.zrem(journalIndexKey(this.namespace), account)]);
      }),
    );
  }

  async page(account?: string, page: JournalPage = {}): Promise<JournalPageResult> {
    return pageOf(await this.kept(account), page);
  }

  async entries(account?: string, limit?: number): Promise<JournalEntry[]> {
    return (await this.page(account, limit === undefined ? {} : { limit })).entries;
  }

  async report(account?: string): Promise<ClientReport> {
    return reportOf(await this.kept(account), account);
  }

  /** Waits for this instance's writes in flight and stops listening; the connection stays its owner's. */
  async close(): Promise<void> {
    await this.settled();
    this.listeners.clear();
    this.unsubscribe();
  }

  private async settled(): Promise<void> {
    if (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Runs a read once this instance's writes have settled; a failure of Redis is the catalogue's 503. */
  private async read<T>(run: () => Promise<T>): Promise<T> {
    await this.settled();
    return this.reads.run('read', run);
  }

  /**
   * The kept records, oldest first in the order they reached Redis (one account's stream order; across accounts by
   * the time Redis gave each, to the microsecond), none older than `maxAgeMs` on its account's clock.
   */
  private kept(account?: string): Promise<JournalRecord[]> {
    return this.read(async () => {
      const { limits } = this.options;
      const streams = account === undefined ? await this.everyStream() : [await this.stream(account)];
      const records: { at: number; record: JournalRecord }[] = [];
      for (const { name, entries } of streams) {
        const now = limits.now(name);
        // One account's records keep their stream order, even were Redis's clock set back between two of them.
        let latest = 0;
        for (const [, fields] of entries) {
          const kept = decode(fields, name);
          if (kept === undefined) continue;
          latest = Math.max(latest, kept.at);
          if (now - kept.record.time < limits.maxAgeMs) records.push({ at: latest, record: kept.record });
        }
      }
      if (streams.length > 1) records.sort((a, b) => a.at - b.at);
      return records.map(({ record }) => record);
    });
  }

  private async stream(name: string): Promise<{ name: string; entries: StreamEntry[]; bytes: number }> {
    const entries = (await this.client.xrange(journalKeys(this.namespace, name).stream, '-', '+')) as StreamEntry[];
    let bytes = 0;
    for (const [, fields] of entries) bytes += Number(fields[3]);
    return { name, entries, bytes };
  }

  /**
   * The streams of every account, the most recently written first, a few at a time, until they hold
   * `journalMaxBytes`: a read of every account costs what the memory journal's whole size would (one account's own
   * stream is capped by it already).
   */
  private async everyStream(): Promise<{ name: string; entries: StreamEntry[] }[]> {
    const { limits } = this.options;
    const accounts = await this.client.zrevrange(journalIndexKey(this.namespace), 0, limits.accounts - 1);
    const streams: { name: string; entries: StreamEntry[] }[] = [];
    let bytes = 0;
    for (let at = 0; at < accounts.length && bytes < limits.maxBytes; at += READ_BATCH) {
      for (const stream of await Promise.all(accounts.slice(at, at + READ_BATCH).map((name) => this.stream(name)))) {
        if (bytes >= limits.maxBytes) break;
        bytes += stream.bytes;
        streams.push(stream);
      }
    }
    return streams;
  }
}

/**
 * A stream entry's fields (`r` the record, `b` its bytes, `s` its seq, `t` Redis's time in µs) as a record of
 * `account`, with that time.
 */
function decode(fields: string[], account: string): { at: number; record: JournalRecord } | undefined {
  let text: string | undefined;
  let seq = 0;
  let at = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'r') text = fields[i + 1];
    else if (fields[i] === 's') seq = Number(fields[i + 1]);
    else if (fields[i] === 't') at = Number(fields[i + 1]);
  }
  if (text === undefined) return undefined;
  return { at, record: decodeRecord(text, seq, account) };
}

function parseNote(text: string): RecordNote | undefined {
  try {
    const note = JSON.parse(text) as Partial<RecordNote>;
    if (typeof note.seq !== 'number' || typeof note.id !== 'string' || typeof note.account !== 'string')
      return undefined;
    return { seq: note.seq, id: note.id, account: note.account };
  } catch {
    return undefined;
  }
}
