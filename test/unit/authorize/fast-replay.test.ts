import { describe, expect, it } from 'vitest';
import { fastReplay } from '../../../mock-server/core/authorize/fast-replay.js';
import type { StoredResponse } from '../../../mock-server/core/idempotency.js';
import { ACCOUNT, authorizeDeps, BODY, inputOf } from './authorize-deps.js';

const DAY = 24 * 3_600_000;

interface Case {
  /** The idempotency key sent, if any. */
  key: string | undefined;
  /** The hash of the bytes sent. */
  hash: string | undefined;
  /** How long after the stored answer the retry comes. */
  after: number;
  extraHeaders?: Record<string, unknown>;
  replays: boolean;
}

describe('the replay fast path', () => {
  it.each<[string, Case]>([
    [
      'replays the same key with the same bytes inside the window',
      { key: 'k1', hash: 'h1', after: 1000, replays: true },
    ],
    ['leaves other bytes under the same key to the long way', { key: 'k1', hash: 'h2', after: 1000, replays: false }],
    ['leaves a request without a key to the long way', { key: undefined, hash: 'h1', after: 1000, replays: false }],
    [
      'leaves a request whose bytes were not hashed to the long way',
      { key: 'k1', hash: undefined, after: 1000, replays: false },
    ],
    ['leaves a key it never stored to the long way', { key: 'k2', hash: 'h1', after: 1000, replays: false }],
    [
      'leaves a retry past the idempotency window to the long way',
      { key: 'k1', hash: 'h1', after: DAY, replays: false },
    ],
    [
      'leaves a retry with another session token to the long way',
      { key: 'k1', hash: 'h1', after: 1000, extraHeaders: { 'klarna-network-session-token': 'other' }, replays: false },
    ],
  ])('%s', (_name, { key, hash, after, extraHeaders, replays }) => {
    const deps = authorizeDeps();
    const stored: StoredResponse = {
      status: 200,
      body: '{"payment_transaction_response":{"result":"APPROVED"}}',
      result: 'APPROVED',
      fingerprint: 'fp',
      rawHash: 'h1',
      tokens: undefined,
      createdAt: deps.clock.now(ACCOUNT),
      amount: 11800,
      currency: 'USD',
      finalAuthorization: false,
    };
    deps.store.record(ACCOUNT, { key: 'k1' }, stored);
    deps.clockAt.advance(after);
    const headers = { ...(key !== undefined && { 'klarna-idempotency-key': key }), ...extraHeaders };
    const plan = fastReplay(inputOf(BODY, headers, { rawBodyHash: hash }), deps);
    if (replays) {
      expect(plan).toMatchObject({
        action: { kind: 'respond', status: 200, body: stored.body, replayed: true },
        result: 'APPROVED',
        fingerprint: 'fp',
        idempotencyKey: 'k1',
        delayMs: 0,
      });
    } else {
      expect(plan).toBeUndefined();
    }
  });
});
