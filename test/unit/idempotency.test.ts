import { stringify } from 'safe-stable-stringify';
import { describe, expect, it } from 'vitest';
import {
  type CanonicalRequest,
  fingerprint,
  type ReplayInput,
  replayDecision,
  type StoredResponse,
  sessionTokenIssue,
} from '../../mock-server/core/idempotency.js';

const HOUR = 3_600_000;
const stored = (over: Partial<StoredResponse> = {}): StoredResponse => ({
  status: 200,
  body: '{"payment_transaction_response":{"result":"APPROVED"}}',
  result: 'APPROVED',
  finalAuthorization: false,
  fingerprint: 'fp-1',
  createdAt: 0,
  amount: 11800,
  currency: 'USD',
  ...over,
});
const input = (over: Partial<ReplayInput> = {}): ReplayInput => ({
  key: 'key-1',
  keyRecord: undefined,
  tokenRecord: undefined,
  fingerprint: 'fp-1',
  tokens: undefined,
  amount: 11800,
  currency: 'USD',
  now: HOUR,
  windowMs: 24 * HOUR,
  ...over,
});

describe('replay or conflict', () => {
  it('processes a request nobody has seen', () => {
    expect(replayDecision(input())).toEqual({ kind: 'process' });
  });

  it('replays the same request under the same key', () => {
    const record = stored();
    expect(replayDecision(input({ keyRecord: record }))).toEqual({ kind: 'replay', stored: record });
  });

  it('replays the same bytes with the same tokens whatever fingerprint is stored (a record an earlier version wrote)', () => {
    const record = stored({ fingerprint: 'fp-of-an-earlier-version', rawHash: 'bytes-1' });
    expect(replayDecision(input({ keyRecord: record, rawHash: 'bytes-1' }))).toEqual({
      kind: 'replay',
      stored: record,
    });
    // Other bytes, or other tokens, are judged by the fingerprint alone.
    expect(replayDecision(input({ keyRecord: record, rawHash: 'bytes-2' })).kind).toBe('reject');
    const tokens = { 'Klarna-Network-Session-Token': 'h1' };
    expect(replayDecision(input({ keyRecord: record, rawHash: 'bytes-1', tokens })).kind).toBe('reject');
  });

  it('rejects another request under the same key with 409 RESOURCE_CONFLICT', () => {
    const decision = replayDecision(input({ keyRecord: stored(), fingerprint: 'fp-2' }));
    expect(decision.kind).toBe('reject');
    if (decision.kind === 'reject') {
      expect(decision.error.statusCode).toBe(409);
      expect(decision.error.errorCode).toBe('RESOURCE_CONFLICT');
    }
  });

  it.each([
    [24 * HOUR - 1, 'replay'],
    [24 * HOUR, 'process'],
    [25 * HOUR, 'process'],
  ])('honours a key %i ms after its first answer: %s', (age, kind) => {
    expect(replayDecision(input({ keyRecord: stored({ createdAt: 0 }), now: age })).kind).toBe(kind);
  });

  it('forgets an expired key so another request under it is processed afresh', () => {
    expect(replayDecision(input({ keyRecord: stored(), fingerprint: 'fp-2', now: 30 * HOUR })).kind).toBe('process');
  });

  it('replays a session token used again with the same amount and currency, whatever the key', () => {
    const record = stored();
    expect(replayDecision(input({ key: 'other', tokenRecord: record, fingerprint: 'fp-9' }))).toEqual({
      kind: 'replay',
      stored: record,
    });
  });

  it.each([
    ['amount', { amount: 11801 }],
    ['currency', { currency: 'EUR' }],
  ])('rejects a session token used again with another %s', (_field, over) => {
    const decision = replayDecision(input({ key: undefined, tokenRecord: stored(), ...over }));
    expect(decision.kind).toBe('reject');
    if (decision.kind === 'reject') expect(decision.error.statusCode).toBe(409);
  });

  it('lets the key decide before the token', () => {
    const decision = replayDecision(input({ keyRecord: stored(), tokenRecord: stored(), fingerprint: 'fp-2' }));
    expect(decision.kind).toBe('reject');
    if (decision.kind === 'reject') expect(decision.error.message).toContain('key-1');
  });
});

describe('session token first use', () => {
  const options = { now: 10 * HOUR, ttlMs: HOUR };
  it.each([
    ['an issued token inside its hour passes', { completedAt: 10 * HOUR - HOUR + 1 }, 'context', undefined],
    ['an issued token after its hour is expired', { completedAt: 9 * HOUR }, 'context', 'expired'],
    ['a token never issued passes as context by default', undefined, 'context', undefined],
    ['a token never issued passes when any token finalizes', undefined, 'final', undefined],
    ['a token never issued is unknown when such tokens are rejected', undefined, 'reject', 'unknown'],
    ['rejecting unknown tokens still checks expiry', { completedAt: 0 }, 'reject', 'expired'],
  ] as const)('%s', (_name, issued, unknown, issue) => {
    expect(sessionTokenIssue(issued, { ...options, unknown })).toBe(issue);
  });
});

describe('the request fingerprint', () => {
  const request = (over: Partial<CanonicalRequest> = {}): CanonicalRequest => ({
    method: 'POST',
    account: 'A',
    body: { currency: 'USD', request_payment_transaction: { amount: 1, capture: 'NOW' } },
    ...over,
  });

  it('ignores the order of keys', () => {
    const reordered = request({
      body: { request_payment_transaction: { capture: 'NOW', amount: 1 }, currency: 'USD' },
    });
    expect(fingerprint(reordered)).toBe(fingerprint(request()));
  });

  it.each<[string, Partial<CanonicalRequest>]>([
    ['the body', { body: { currency: 'USD', request_payment_transaction: { amount: 2 } } }],
    ['the account', { account: 'B' }],
  ])('changes with %s', (_what, over) => {
    expect(fingerprint(request(over))).not.toBe(fingerprint(request()));
  });

  it('serializes nested values with sorted keys', () => {
    expect(stringify({ b: [{ d: 1, c: 'x' }], a: null })).toBe('{"a":null,"b":[{"c":"x","d":1}]}');
  });
});

describe('fingerprint with a path (the Notifications API)', () => {
  const request = { method: 'POST', account: 'acct', body: { status: 'ENABLED' } };

  it('tells operations on other paths apart, so a key reused on one of them conflicts', () => {
    const create = fingerprint({ ...request, path: '/v2/notification/webhooks {}' });
    const simulate = fingerprint({
      ...request,
      path: '/v2/notification/webhooks/:webhook_id/simulate {"webhook_id":"w"}',
    });
    expect(create).not.toBe(simulate);
    expect(fingerprint({ ...request, path: '/v2/notification/webhooks {}' })).toBe(create);
  });

  it('leaves the hash of a request without a path as it was', () => {
    expect(fingerprint({ ...request, path: undefined })).toBe(fingerprint(request));
  });
});
