import { hash } from 'node:crypto';
import type { CustomerToken } from '../contracts/index.js';
import { canonicalJson } from './canonical-json.js';
import { catalogue, type KlarnaHttpError } from './error-catalogue.js';

// https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/idempotency
// Conflicts, the window and the token rules are simulator choices: simulator-decisions §3.

export interface StoredResponse {
  status: number;
  body: string;
  /** The result inside the body, for the journal. */
  result: string;
  /** Of the canonical request; absent only where neither key nor token was sent, which is never stored. */
  fingerprint: string | undefined;
  /** Hash of the body bytes as first sent, for the replay fast path. */
  rawHash?: string | undefined;
  createdAt: number;
  amount: number | undefined;
  currency: string;
}

export interface CanonicalRequest {
  method: string;
  account: string;
  body: unknown;
}

/** Hash of the canonical request (simulator-decisions §3): method, path and body with keys sorted. */
export function fingerprint(request: CanonicalRequest): string {
  return hash(
    'sha256',
    canonicalJson([request.method, `/v2/accounts/${request.account}/payment/authorize`, request.body]),
    'base64url',
  );
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
    if (keyRecord.fingerprint === input.fingerprint) return { kind: 'replay', stored: keyRecord };
    return { kind: 'reject', error: catalogue.idempotencyConflict(input.key) };
  }
  if (tokenRecord !== undefined) {
    if (tokenRecord.amount === input.amount && tokenRecord.currency === input.currency) {
      return { kind: 'replay', stored: tokenRecord };
    }
    return { kind: 'reject', error: catalogue.sessionTokenConflict() };
  }
  return { kind: 'process' };
}

export interface IssuedToken {
  /** When the payment request behind the token completed: the 60-minute finalization window starts here. */
  completedAt: number;
  /** The completed payment request: a final authorization must match its amount and currency. */
  paymentRequestId?: string;
  amount?: number | undefined;
  currency?: string;
  customerToken?: CustomerToken | undefined;
}

/**
 * First use of a session token: tokens the simulator issued expire `ttlMs` after completion; tokens it never
 * issued pass unless strict mode is on (simulator-decisions §3).
 */
export function sessionTokenIssue(
  issued: IssuedToken | undefined,
  options: { now: number; ttlMs: number; strict: boolean },
): 'expired' | 'unknown' | undefined {
  if (issued === undefined) return options.strict ? 'unknown' : undefined;
  return options.now - issued.completedAt >= options.ttlMs ? 'expired' : undefined;
}
