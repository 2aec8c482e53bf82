import { describe, expect, it } from 'vitest';
import type { AuthorizeRequest } from '../../../contracts/index.js';
import { checkSessionToken } from '../../../mock-server/core/authorize/session-token-check.js';
import type { IssuedToken } from '../../../mock-server/core/idempotency.js';
import { BODY } from './authorize-deps.js';
import { refusalOf } from './refusal.js';

const HOUR = 3_600_000;
const issued = (over: Partial<IssuedToken> = {}): IssuedToken => ({
  completedAt: 0,
  amount: 11800,
  currency: 'USD',
  ...over,
});
const body = (amount: number, currency = 'USD'): AuthorizeRequest => ({
  ...BODY,
  currency,
  request_payment_transaction: { amount, payment_transaction_reference: 'order-1234' },
});
const MISMATCH =
  '409 RESOURCE_CONFLICT: Idempotent operation on Klarna-Network-Session-Token failed: the customer approved 11800 USD';

interface Case {
  token: string | undefined;
  issued: IssuedToken | undefined;
  now: number;
  body: AuthorizeRequest;
  unknown?: 'context' | 'final' | 'reject';
}

describe('the session token check', () => {
  it.each<[string, Case, string]>([
    [
      'lets a request without a session token through',
      { token: undefined, issued: undefined, now: 0, body: BODY },
      'passes',
    ],
    [
      'lets a final authorization for the approved amount through',
      { token: 't', issued: issued(), now: 10, body: BODY },
      'passes',
    ],
    [
      'lets an unknown token through as context by default',
      { token: 't', issued: undefined, now: 10, body: BODY },
      'passes',
    ],
    [
      'refuses an unknown token when unknownSessionTokens is reject',
      { token: 't', issued: undefined, now: 10, body: BODY, unknown: 'reject' },
      '400 VALIDATION_ERROR: Klarna-Network-Session-Token unknown',
    ],
    [
      'refuses a token past its lifetime',
      { token: 't', issued: issued(), now: HOUR, body: BODY },
      '400 VALIDATION_ERROR: Klarna-Network-Session-Token expired',
    ],
    [
      'refuses a token whose payment request was canceled',
      { token: 't', issued: issued({ canceledAt: 5 }), now: 10, body: BODY },
      '400 VALIDATION_ERROR: Klarna-Network-Session-Token canceled',
    ],
    [
      'refuses another amount than the one approved',
      { token: 't', issued: issued(), now: 10, body: body(100) },
      MISMATCH,
    ],
    [
      'refuses another currency than the one approved',
      { token: 't', issued: issued(), now: 10, body: body(11800, 'EUR') },
      MISMATCH,
    ],
  ])('%s', (_name, { unknown, ...request }, expected) => {
    const config = { sessionTokenTtlMs: HOUR, unknownSessionTokens: unknown ?? 'context' };
    expect(refusalOf(() => checkSessionToken(request, config))).toBe(expected);
  });
});
