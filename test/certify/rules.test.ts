import { describe, expect, it } from 'vitest';
import { CERTIFY_CASES, casesForSeed } from '../../certify/cases.js';
import { type Attempt, attemptOf, judge, type RuleName, type WebhookFacts } from '../../certify/rules.js';

const A = (at: number, extra: Partial<Attempt> = {}): Attempt => ({
  at,
  key: 'k1',
  body: '{"amount":2500}',
  status: 200,
  fault: undefined,
  result: 'APPROVED',
  replayed: false,
  ...extra,
});
const failed = { status: 500, result: undefined };
const lost = { status: undefined, fault: 'response_lost', result: 'APPROVED' };

const verdict = (rule: RuleName, attempts: Attempt[], retryAfterSeconds?: number) =>
  judge([rule], attempts, { retryAfterSeconds })[0];

describe('each rule judges a case from its attempts', () => {
  it.each<[string, RuleName, Attempt[], boolean, string]>([
    ['one attempt needs no key reuse', 'same-key-on-retry', [A(0)], true, 'no retry (1 attempt)'],
    [
      'a retry under the same key and body',
      'same-key-on-retry',
      [A(0, failed), A(500)],
      true,
      '2 attempts, one key, one body',
    ],
    [
      'a retry under a new key',
      'same-key-on-retry',
      [A(0, failed), A(500, { key: 'k2' })],
      false,
      '2 keys over 2 attempts: attempt 2 used a new key',
    ],
    [
      'a retry without a key',
      'same-key-on-retry',
      [A(0, failed), A(500, { key: undefined })],
      false,
      'attempt 2 sent no Klarna-Idempotency-Key: a retry cannot be recognised',
    ],
    [
      'a retry with another body',
      'same-key-on-retry',
      [A(0, failed), A(500, { body: '{}' })],
      false,
      'attempt 2 changed the body under the same key',
    ],
    [
      'a lost approval then its replay',
      'one-transaction',
      [A(0, lost), A(500, { replayed: true })],
      true,
      '1 transaction approved',
    ],
    [
      'a lost approval then a new one',
      'one-transaction',
      [A(0, lost), A(500, { key: 'k2' })],
      false,
      '2 transactions approved for one purchase',
    ],
    [
      'nothing approved',
      'one-transaction',
      [A(0, { status: 400, result: undefined })],
      true,
      '0 transactions approved',
    ],
    [
      'a retry a second after Retry-After: 1',
      'retry-after-honoured',
      [A(0, { status: 429 }), A(1000)],
      true,
      'attempt 2 came 1000 ms after the 429 (Retry-After 1000 ms)',
    ],
    [
      'a retry too soon after a 429',
      'retry-after-honoured',
      [A(0, { status: 429 }), A(3)],
      false,
      'attempt 2 came 3 ms after the 429; Retry-After asked for 1000 ms',
    ],
    ['no retry after the 429', 'retry-after-honoured', [A(0, { status: 429 })], true, 'no retry after a 429'],
    ['stops after a 400', 'no-retry-on-4xx', [A(0, { status: 400 })], true, 'stopped after the 400'],
    ['retries a 400', 'no-retry-on-4xx', [A(0, { status: 400 }), A(1), A(2)], false, 'retried a 400 2 times'],
    ['a 409 may be retried', 'no-retry-on-4xx', [A(0, { status: 409 }), A(300)], true, 'no 4xx other than 409/429'],
    ['a 429 may be retried', 'no-retry-on-4xx', [A(0, { status: 429 }), A(1000)], true, 'no 4xx other than 409/429'],
    [
      'retries spaced out',
      'backoff',
      [A(0, failed), A(150, failed), A(500)],
      true,
      'retries 150 ms or more apart (minimum 100 ms)',
    ],
    [
      'a back-to-back retry',
      'backoff',
      [A(0, failed), A(150, { fault: 'reset', status: undefined }), A(160)],
      false,
      'attempt 3 came 10 ms after the reset (minimum 100 ms)',
    ],
    ['no retry at all', 'backoff', [A(0)], true, 'no retry'],
    [
      'a retry at once after a slow failed answer',
      'backoff',
      [A(0, { ...failed, answeredAt: 400 }), A(420)],
      false,
      'attempt 2 came 20 ms after the 500 (minimum 100 ms)',
    ],
    ['approved on the retry', 'eventually-succeeds', [A(0, failed), A(500)], true, 'APPROVED on attempt 2'],
    [
      'the lost approval heard on replay',
      'eventually-succeeds',
      [A(0, lost), A(500, { replayed: true })],
      true,
      'APPROVED on attempt 2, a replay',
    ],
    [
      'a step-up counts',
      'eventually-succeeds',
      [A(0, { result: 'STEP_UP_REQUIRED' })],
      true,
      'STEP_UP_REQUIRED on attempt 1',
    ],
    [
      'gave up after the lost response',
      'eventually-succeeds',
      [A(0, lost)],
      false,
      'no approval answered in 1 attempt (last: response lost)',
    ],
    ['never called', 'eventually-succeeds', [], false, 'the client sent no authorize request'],
  ])('%s', (_, rule, attempts, passed, why) => {
    expect(verdict(rule, attempts, 1)).toEqual({ rule, passed, why });
  });
});

const expired = { status: 400, result: undefined, sessionToken: true, tokenExpired: true };
const facts = (extra: Partial<WebhookFacts> = {}): WebhookFacts => ({
  receiver: 'http://127.0.0.1:1/hooks',
  deliveries: 2,
  events: 1,
  effects: [{ event_id: 'e1', state: 'AUTHORIZED' }],
  newestState: 'AUTHORIZED',
  ...extra,
});

describe('the webhook and session-token rules judge what was delivered, reported and sent', () => {
  it.each<[string, RuleName, WebhookFacts | undefined, boolean, string]>([
    [
      'a duplicate applied once',
      'webhook-processed-once',
      facts(),
      true,
      '1 of 1 event applied, none twice (2 deliveries)',
    ],
    [
      'a duplicate applied twice',
      'webhook-processed-once',
      facts({
        effects: [
          { event_id: 'e1234567-x', state: 'AUTHORIZED' },
          { event_id: 'e1234567-x', state: 'AUTHORIZED' },
        ],
      }),
      false,
      'event e1234567… applied 2 times (2 deliveries)',
    ],
    [
      'no receiver announced',
      'webhook-processed-once',
      facts({ receiver: undefined }),
      false,
      'the client announced no webhook receiver to its report URL',
    ],
    [
      'a receiver that reports nothing',
      'webhook-newest-state-kept',
      facts({ effects: [] }),
      false,
      'the receiver reported no effect of 2 deliveries',
    ],
    [
      'nothing delivered',
      'webhook-newest-state-kept',
      facts({ deliveries: 0 }),
      false,
      'no webhook was delivered (did the purchase succeed?)',
    ],
    [
      'a stale event ignored',
      'webhook-newest-state-kept',
      facts({ events: 2, effects: [{ event_id: 'e2', state: 'EXPIRED' }], newestState: 'EXPIRED' }),
      true,
      "ended on EXPIRED, the newest event's state",
    ],
    [
      'a stale event applied last',
      'webhook-newest-state-kept',
      facts({
        events: 2,
        effects: [
          { event_id: 'e2', state: 'EXPIRED' },
          { event_id: 'e1', state: 'AUTHORIZED' },
        ],
        newestState: 'EXPIRED',
      }),
      false,
      'ended on AUTHORIZED, delivered last; the newest event says EXPIRED',
    ],
  ])('%s', (_, rule, webhooks, passed, why) => {
    expect(judge([rule], [], { webhooks })[0]).toEqual({ rule, passed, why });
  });

  it.each<[string, Attempt[], boolean, string]>([
    [
      'the token dropped after it was refused',
      [A(0, expired), A(300, { key: 'k2' })],
      true,
      'dropped the session token after attempt 1 was refused as expired',
    ],
    [
      'the token sent again',
      [A(0, expired), A(10, { ...expired, key: 'k2' }), A(20, { ...expired, key: 'k3' })],
      false,
      'sent the expired session token again 2 times after the 400 said expired',
    ],
    ['the token never sent', [A(0)], true, 'the expired session token was never sent'],
  ])('expired-token-not-reused: %s', (_, attempts, passed, why) => {
    expect(verdict('expired-token-not-reused', attempts)).toEqual({ rule: 'expired-token-not-reused', passed, why });
  });

  it('reads the token and its refusal from a journal entry, and the arrival from time less duration_ms', () => {
    const attempt = attemptOf({
      time: '2026-01-01T00:00:01.000Z',
      duration_ms: 250.4,
      headers: { 'klarna-network-session-token': '[redacted]' },
      body: {},
      status: 400,
      replayed: false,
      findings: [{ code: 'VALIDATION_ERROR', parameter: 'Klarna-Network-Session-Token', message: 'expired' }],
    });
    expect(attempt).toMatchObject({
      at: Date.parse('2026-01-01T00:00:00.750Z'),
      answeredAt: Date.parse('2026-01-01T00:00:01.000Z'),
      sessionToken: true,
      tokenExpired: true,
    });
  });
});

describe('the seeded case order', () => {
  it('is the same for the same seed and holds every case once', () => {
    const ids = (seed: string) => casesForSeed(seed).map((c) => c.id);
    expect(ids('a')).toEqual(ids('a'));
    expect([...ids('a')].sort()).toEqual(CERTIFY_CASES.map((c) => c.id).sort());
    expect(new Set(['a', 'b', 'c', 'd'].map((s) => ids(s).join()))).not.toHaveProperty('size', 1);
  });
});
