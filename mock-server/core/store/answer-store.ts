import type { CustomerToken } from '../../../contracts/index.js';
import type { Awaitable } from '../awaitable.js';
import type { IssuedToken, StoredResponse } from '../idempotency.js';
import type { PreparedPut } from './record-store.js';

// Issue 15, phase 1: what one write request remembers (its answer under its idempotency key and session token, and
// the tokens it issues or uses) goes through this interface, so that it can live in this process (memory) or in a
// store shared by many processes (Redis). Every method may answer with a promise (a Redis round trip) or at once (the
// memory store: no microtask on the hot path); callers chain with `after` (core/awaitable.ts) or await.
// Decisions stay in the core (replayDecision, sessionTokenIssue): the store keeps records and leases, it never judges
// a record's window, which is read on the account clocks by the caller.

/**
 * How long a lease holds if never committed or released (its process died): only pure stages run under it, a
 * scenario's delay comes after the commit.
 */
export const LEASE_MS = 5_000;
/** Claims before a 503: each one after the first waited for another request's answer, which should have settled it. */
export const MAX_CLAIMS = 16;

/** What a request may be answered under: its Klarna-Idempotency-Key and the session token it binds. */
export interface AnswerIds {
  key?: string | undefined;
  /** The session token sent (under either header name). */
  token?: string | undefined;
}

/** The answers stored under a request's ids, whatever their age (the caller judges the window). */
export interface StoredAnswers {
  key: StoredResponse | undefined;
  token: StoredResponse | undefined;
}

/** The right to record a request's effects, held by the one request that runs; opaque to the caller. */
export interface Lease {
  readonly account: string;
  readonly ids: AnswerIds;
  /** Unique per claim: a commit whose lease has expired and been taken over is refused (fenced). */
  readonly owner: string;
}

export interface ClaimOptions {
  /** How long the lease holds if never committed or released (a process that died): milliseconds of real time. */
  leaseMs: number;
  /**
   * Take the lease even when answers are stored: the caller found them past their window, or must record its key
   * beside a token's answer. The answers are read again under the lease.
   */
  force?: boolean;
}

/**
 * - `stored`: an answer is stored under the key or the token (no lease taken): the caller replays or conflicts.
 * - `claimed`: this request runs; `answers` as read when the lease was taken (only ever past their window or about
 *   to be replayed under a new key when `force` was given).
 * - `held`: another request with one of these ids is running: `awaitAnswer`, then claim again.
 */
export type Claim =
  | { kind: 'stored'; answers: StoredAnswers }
  | { kind: 'claimed'; lease: Lease; answers: StoredAnswers }
  | { kind: 'held'; retryInMs: number };

/** Everything one request leaves behind, written at once by `commit`. */
export interface AnswerEffects {
  /** Stored under the lease's key (replacing one past its window). */
  keyAnswer?: StoredResponse;
  /** Stored under the lease's token unless one is there already: one token, one result. */
  tokenAnswer?: StoredResponse;
  /** An issued session token's new state (used by a final authorization). */
  sessionToken?: { token: string; issued: IssuedToken };
  /** A customer token issued by the request. */
  customerToken?: CustomerToken;
  /**
   * A record the answer names (an approval's payment transaction), prepared by a record store over the same backend:
   * written first, in the same step, and nothing is written if another write to it came first (the commit then
   * throws). Only a shared store's record store prepares one.
   */
  record?: PreparedPut<unknown>;
}

export type CommitResult = 'committed' | 'lease-lost';

/** The issued-token facts a request reads, by the tokens it sent. */
export interface IssuedTokens {
  session: IssuedToken | undefined;
  /** The scopes a customer token was issued with. */
  customerScopes: CustomerToken['scopes'] | undefined;
}

/**
 * Idempotency answers (by key and by session token), issued session tokens and issued customer tokens, per partner
 * account (one account's key or token never answers for another). Exactly once: a request claims its ids, runs the
 * pure stages, then commits all its effects in one step (or releases the lease when it answers with an error, which
 * is never stored). Concurrent requests with the same ids get `held` and wait for the first one's answer.
 */
export interface AnswerStore {
  /** Short name for logs and the bench ('memory', 'redis'). */
  readonly kind: string;
  /**
   * The answer under a key, synchronously, when the store holds it in this process (the replay fast path takes no
   * promise); a store that cannot answer at once leaves it out, and the caller claims.
   */
  peek?(account: string, key: string): StoredResponse | undefined;
  /** Reads the answers under `ids` and takes their lease unless one is stored (see Claim). Needs a key or token. */
  claim(account: string, ids: AnswerIds, options: ClaimOptions): Awaitable<Claim>;
  /** Writes every effect at once, and lets go of the lease, if it is still this lease's; wakes the waiters. */
  commit(lease: Lease, effects: AnswerEffects): Awaitable<CommitResult>;
  /** Lets go of the lease without recording anything (the request failed); wakes the waiters. */
  release(lease: Lease): Awaitable<void>;
  /**
   * Resolves when the lease over `ids` is committed or released, or at the latest after `withinMs`; then claim again.
   */
  awaitAnswer(account: string, ids: AnswerIds, withinMs: number): Awaitable<void>;
  /** The tokens the simulator issued, as sent with a request (undefined: none sent, or not issued here). */
  issuedTokens(
    account: string,
    sent: { session?: string | undefined; customer?: string | undefined },
  ): Awaitable<IssuedTokens>;
  /** The answer a session token is bound to, if any (a completed payment request is then no longer cancelable). */
  tokenAnswer(account: string, token: string): Awaitable<StoredResponse | undefined>;
  /** Outside any claim: the payment request journey issues and cancels tokens (one writer per payment request). */
  issueSessionToken(account: string, token: string, issued: IssuedToken): Awaitable<void>;
  issueCustomerToken(account: string, token: CustomerToken): Awaitable<void>;
  /** Forgets one account's answers and tokens (the admin reset). */
  resetAccount(account: string): Awaitable<void>;
}
