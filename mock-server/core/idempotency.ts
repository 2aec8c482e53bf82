import { hash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { CustomerToken } from '../../contracts/index.js';
import { catalogue, type KlarnaHttpError } from './error-catalogue.js';

// https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/idempotency
// Conflicts, the window and the token rules are simulator choices: docs/simulator-choices.md#idempotency.

export interface StoredResponse {
  status: number;
  body: string;
  /** The result inside the body, for the journal. */
  result: string;
  /** Of the canonical request; absent only where neither key nor token was sent, which is never stored. */
  fingerprint: string | undefined;
  /** Hash of the body bytes as first sent, for the replay fast path. */
  rawHash?: string | undefined;
  /** Hashes of the token headers sent with it (tokenHashes), so that a conflict can name the one that differs. */
  tokens?: TokenHashes | undefined;
  createdAt: number;
  amount: number | undefined;
  currency: string;
  /** Answered a final authorization (the request carried a session token). */
  finalAuthorization: boolean;
}

/**
 * The token headers change what a request means (initial or final authorization; which customer pays), so they are
 * part of its fingerprint (docs/simulator-choices.md#idempotency). Klarna-Payment-Token is an alias of the session
 * token: the same token under either name is the same request.
 */
const TOKEN_PARTS = [
  [
    'Klarna-Network-Session-Token',
    (h: Record<string, unknown>) => h['klarna-network-session-token'] ?? h['klarna-payment-token'],
  ],
  ['Klarna-Customer-Token', (h: Record<string, unknown>) => h['klarna-customer-token']],
  ['Klarna-Interoperability-Token', (h: Record<string, unknown>) => h['klarna-interoperability-token']],
] as const;

export type TokenHashes = Partial<Record<(typeof TOKEN_PARTS)[number][0], string>>;

/** Short hashes of the token headers sent, by wire name; undefined when none was sent (the common case, no hashing). */
export function tokenHashes(headers: Record<string, unknown>): TokenHashes | undefined {
  let hashes: TokenHashes | undefined;
  for (const [name, read] of TOKEN_PARTS) {
    const value = read(headers);
    if (typeof value === 'string') {
      hashes ??= {};
      hashes[name] = hash('sha1', value, 'base64url');
    }
  }
  return hashes;
}

/** One string for all the token hashes: equal exactly when the same tokens were sent. */
export function tokensDigest(hashes: TokenHashes | undefined): string {
  return hashes === undefined ? '' : TOKEN_PARTS.map(([name]) => hashes[name] ?? '-').join(',');
}

/** The token headers whose values differ between two requests, by wire name. */
export function tokensThatDiffer(a: TokenHashes | undefined, b: TokenHashes | undefined): string[] {
  return TOKEN_PARTS.map(([name]) => name).filter((name) => a?.[name] !== b?.[name]);
}

export interface CanonicalRequest {
  method: string;
  account: string;
  /**
   * The operation's path (with its parameters, or below the account), for operations other than authorize: one key
   * sent to two operations is two different requests, a conflict. Authorize's fingerprint leaves it out.
   */
  path?: string;
  body: unknown;
  /** The body's canonical text when the operation has its own (authorize: canonicalAuthorizeBody); else sorted keys. */
  canonicalBody?: string;
  /** tokenHashes of the request's headers. */
  tokens?: TokenHashes | undefined;
}

/**
 * Hash of the canonical request (docs/simulator-choices.md#idempotency): method, path, the token headers and the
 * body in a canonical form (its keys sorted at every depth by safe-stable-stringify, unless the caller gives its own
 * `canonicalBody`), so that equal requests hash equally whatever their key order or spacing.
 */
export function fingerprint(request: CanonicalRequest): string {
  const head = [request.method, request.account, tokensDigest(request.tokens)];
  if (request.path !== undefined) head.push(request.path);
  const body = request.canonicalBody ?? stringify(request.body);
  return hash('sha256', `${JSON.stringify(head)}\n${body}`, 'base64url');
}

export type ReplayDecision =
  | { kind: 'process' }
  | { kind: 'replay'; stored: StoredResponse }
  | { kind: 'reject'; error: KlarnaHttpError };

export interface ReplayInput {
  key: string | undefined;
  keyRecord: StoredResponse | undefined;
  tokenRecord: StoredResponse | undefined;
  fingerprint: string | undefined;
  /** Hash of the body's bytes as received (StoredResponse.rawHash). */
  rawHash?: string | undefined;
  tokens: TokenHashes | undefined;
  amount: number | undefined;
  currency: string;
  now: number;
  windowMs: number;
}

/**
 * Replay or conflict, as data. The idempotency key wins when its record is inside the window: the same request
 * replays, another one conflicts. Then the session token: one token yields one result, replayed while amount and
 * currency match, a conflict when they do not.
 */
export function replayDecision(input: ReplayInput): ReplayDecision {
  const { keyRecord, tokenRecord } = input;
  if (input.key !== undefined && keyRecord !== undefined && input.now - keyRecord.createdAt < input.windowMs) {
    if (keyRecord.fingerprint === input.fingerprint || sameBytes(keyRecord, input)) {
      return { kind: 'replay', stored: keyRecord };
    }
    return {
      kind: 'reject',
      error: catalogue.idempotencyConflict(input.key, tokensThatDiffer(keyRecord.tokens, input.tokens)),
    };
  }
  if (tokenRecord !== undefined) {
    if (tokenRecord.amount === input.amount && tokenRecord.currency === input.currency) {
      return { kind: 'replay', stored: tokenRecord };
    }
    return { kind: 'reject', error: catalogue.sessionTokenConflict() };
  }
  return { kind: 'process' };
}

/**
 * The same bytes with the same token headers are the same request, whatever fingerprint was stored: a record an
 * earlier version wrote to a shared store (whose canonical form may differ) still replays for an identical retry.
 */
function sameBytes(stored: StoredResponse, input: ReplayInput): boolean {
  return (
    input.rawHash !== undefined &&
    stored.rawHash === input.rawHash &&
    tokensDigest(stored.tokens) === tokensDigest(input.tokens)
  );
}

export interface IssuedToken {
  /** When the payment request behind the token completed: the 60-minute finalization window starts here. */
  completedAt: number;
  /** The completed payment request: a final authorization must match its amount and currency. */
  paymentRequestId?: string;
  amount?: number | undefined;
  currency?: string;
  customerToken?: CustomerToken | undefined;
  /** Its payment request was canceled after completion: the token no longer authorizes anything. */
  canceledAt?: number;
  /** When a final authorization first used it: its payment request can no longer be canceled. */
  usedAt?: number;
}

/**
 * First use of a session token: tokens the simulator issued expire `ttlMs` after completion; tokens it never
 * issued pass unless `unknownSessionTokens` is `reject` (docs/simulator-choices.md#session-tokens).
 */
export function sessionTokenIssue(
  issued: IssuedToken | undefined,
  options: { now: number; ttlMs: number; unknown: 'context' | 'final' | 'reject' },
): 'expired' | 'unknown' | 'canceled' | undefined {
  if (issued === undefined) return options.unknown === 'reject' ? 'unknown' : undefined;
  if (issued.canceledAt !== undefined) return 'canceled';
  return options.now - issued.completedAt >= options.ttlMs ? 'expired' : undefined;
}
