import { describe, expect, it } from 'vitest';
import type { CheckedRequest } from '../../../mock-server/core/authorize/checked-request.js';
import { ACCOUNT, authorizeDeps, BODY, checkedOf, inputOf } from './authorize-deps.js';
import { refusalOf } from './refusal.js';

/** What the later stages read of a checked request, in a line. */
function facts(request: CheckedRequest): string {
  const { tokens } = request;
  return [
    `key ${request.key ?? '-'}`,
    `token ${request.token ?? '-'}`,
    tokens.final ? 'final' : tokens.contextSessionToken ? 'context' : 'initial',
    `customer ${tokens.customerToken ?? '-'}`,
    `fingerprint ${request.fingerprint === undefined ? 'no' : 'yes'}`,
    `warnings ${request.warnings.join(' ') || '-'}`,
  ].join(', ');
}

describe('the checks of a request', () => {
  it.each<[string, unknown, Record<string, string>, string]>([
    [
      'reads a plain request: no key, no token, no fingerprint',
      BODY,
      {},
      'key -, token -, initial, customer -, fingerprint no, warnings -',
    ],
    [
      'fingerprints a request with an idempotency key',
      BODY,
      { 'klarna-idempotency-key': 'k1' },
      'key k1, token -, initial, customer -, fingerprint yes, warnings -',
    ],
    [
      'takes a session token it never issued as context, and fingerprints it',
      BODY,
      { 'klarna-network-session-token': 'tok' },
      'key -, token tok, context, customer -, fingerprint yes, warnings -',
    ],
    [
      'takes Klarna-Payment-Token as the session token',
      BODY,
      { 'klarna-payment-token': 'tok' },
      'key -, token tok, context, customer -, fingerprint yes, warnings -',
    ],
    [
      'takes a customer token without step_up_config as a charge with the customer absent',
      BODY,
      { 'klarna-customer-token': 'ct' },
      'key -, token -, initial, customer not_present, fingerprint no, warnings -',
    ],
    [
      'lists unknown fields as warnings',
      { ...BODY, extra: 1 },
      {},
      'key -, token -, initial, customer -, fingerprint no, warnings extra',
    ],
  ])('%s', (_name, body, headers, expected) => {
    expect(facts(checkedOf(inputOf(body, headers), authorizeDeps()))).toBe(expected);
  });

  it.each<[string, unknown, string]>([
    ['refuses a body without an amount or token request', { currency: 'USD' }, '400 VALIDATION_ERROR'],
    [
      'refuses line items that do not add up',
      { ...BODY, request_payment_transaction: { amount: 1, payment_transaction_reference: 'x' } },
      '400 VALIDATION_ERROR',
    ],
  ])('%s', (_name, body, expected) => {
    expect(refusalOf(() => checkedOf(inputOf(body), authorizeDeps())).split(':')[0]).toBe(expected);
  });

  it('takes a session token the simulator issued as a final authorization for its amount', () => {
    const deps = authorizeDeps();
    deps.store.issueSessionToken(ACCOUNT, 'tok', { completedAt: 0, amount: 11800, currency: 'USD' });
    const request = checkedOf(inputOf(BODY, { 'klarna-network-session-token': 'tok' }), deps);
    expect([request.tokens.final, request.stepUpAmount]).toEqual([true, 11800]);
  });
});
