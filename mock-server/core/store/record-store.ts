import { type Awaitable, andThen, eachInTurn } from '../awaitable.js';

// Issue 15: payment requests and payment transactions go through this interface, so that a step-up started on one
// process can be approved on a second and finalized on a third (memory: this process; Redis: shared). A record is
// written only over the version that was read (compare-and-set): of two instances changing one record at once, one
// wins and the other reads it again and judges anew (docs/simulator-choices.md#shared-store).

/** What the store keeps of every record: how many times it was written (0: never, a new record). */
export interface Versioned {
  version: number;
}

export interface PutOptions {
  /**
   * When the account clock may next change the record by itself (a payment request's expiry, a transaction's): it is
   * then among `due`. Undefined: never (a final state).
   */
  dueAt: number | undefined;
  /**
   * Until when (account clock) the record must be kept at least: a shared store's TTL is this less `now`, plus a
   * margin; the memory store keeps every record while it fits.
   */
  keepUntil: number;
  now: number;
}

/**
 * A record write prepared to run inside an answer's commit, so that the answer and the record it names are written
 * together or not at all (AnswerEffects.record): the record as it will be written, what the store runs, and what the
 * store does once it is written.
 */
export interface PreparedPut<T> {
  readonly written: T;
  /** The store's own instructions (a shared store: the keys and arguments of its script). */
  readonly instructions: { keys: string[]; args: (string | number)[] };
  /** Called once the commit has written it. */
  readonly done: () => void;
}

/** One kind of record, per partner account, by id (the last segment of its `krn:` id). */
export interface RecordStore<T extends Versioned> {
  /** Short name for logs ('memory', 'redis'). */
  readonly kind: string;
  get(account: string, id: string): Awaitable<T | undefined>;
  /**
   * Writes `record` as version `record.version + 1` if the stored one is still at `record.version` (0: there is none):
   * the written record, or undefined when another write came first (read again and decide again).
   */
  put(account: string, id: string, record: T, options: PutOptions): Awaitable<T | undefined>;
  /**
   * The same write, prepared for an answer store over the same backend to run inside its commit (the Redis store:
   * one script instead of two). Absent where each write is local and synchronous anyway (the memory store).
   */
  prepare?(account: string, id: string, record: T, options: PutOptions): PreparedPut<T>;
  /** Ids of the account's records whose `dueAt` is at or before `now`. */
  due(account: string, now: number): Awaitable<string[]>;
  /** Accounts that hold records with a `dueAt`, as this process knows (for the sweep over every account). */
  dueAccounts(): string[];
  /** Forgets one account's records (the admin reset). */
  resetAccount(account: string): Awaitable<void>;
}

/** Payment requests are also found by their id alone (the hosted page's URL carries no account). */
export interface PaymentRequestStore<T extends Versioned> extends RecordStore<T> {
  accountOf(id: string): Awaitable<string | undefined>;
}

/** The last segment of a `krn:payment:…:<kind>:<uuid>` id, or the uuid itself: how the stores find a record. */
export function recordId(id: string): string {
  // Most ids are a uuid (36 characters) or end in `:` and one: found without `lastIndexOf`, which V8 (Node 20) runs
  // in C++ behind a call out of the compiled code, four times a fresh authorize.
  const start = id.length - UUID_LENGTH;
  if (start >= 0 && (start === 0 || id.charCodeAt(start - 1) === COLON) && id.indexOf(':', start) === -1) {
    return start === 0 ? id : id.slice(start);
  }
  return id.slice(id.lastIndexOf(':') + 1);
}

const UUID_LENGTH = 36;
const COLON = 58;

/**
 * Visits the records due by each account's now, of one account or of every account the store knows to hold due
 * records (the sweep after a clock move, and once a second).
 */
export function sweepDue<T extends Versioned>(
  records: RecordStore<T>,
  clock: { now(account: string): number },
  account: string | undefined,
  visit: (account: string, id: string) => Awaitable<unknown>,
): Awaitable<void> {
  return eachInTurn(account === undefined ? records.dueAccounts() : [account], (name) =>
    andThen(records.due(name, clock.now(name)), (ids) => eachInTurn(ids, (id) => visit(name, id))),
  );
}
