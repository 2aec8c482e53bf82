import { describe, expect, it } from 'vitest';
import type { StoredResponse } from '../../mock-server/core/idempotency.js';
import { RecordedOrder } from '../../mock-server/core/store/recorded-order.js';
import { Store } from '../../mock-server/core/store/store.js';

const WINDOW = 1000;

const stored = (createdAt: number): StoredResponse => ({
  status: 200,
  body: `{"at":${createdAt}}`,
  result: 'APPROVED',
  finalAuthorization: false,
  fingerprint: `fp-${createdAt}`,
  createdAt,
  amount: 100,
  currency: 'USD',
});

describe('RecordedOrder', () => {
  it('drops the oldest recorded entry for room, however recently it was read', () => {
    const map = new RecordedOrder<number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // an LRU would now keep a and drop b
    map.set('c', 3);
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([false, true, true]);
    expect(map.size).toBe(2);
  });

  it('moves an entry recorded again to the newest end', () => {
    const map = new RecordedOrder<number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 10);
    map.set('c', 3);
    expect([map.get('a'), map.has('b'), map.get('c')]).toEqual([10, false, 3]);
  });

  it('drops entries whose time is over from the oldest end as new ones arrive', () => {
    let now = 0;
    const map = new RecordedOrder<number>(100, (recordedAt) => now - recordedAt >= WINDOW);
    for (const at of [0, 10, 20]) map.set(`k${at}`, at);
    now = 1015; // k0 and k10 are past the window, k20 is not
    map.set('fresh', now);
    expect([map.has('k0'), map.has('k10'), map.has('k20'), map.has('fresh')]).toEqual([false, false, true, true]);
  });

  it('keeps its order queue bounded however often keys are recorded again or deleted', () => {
    const map = new RecordedOrder<number>(2);
    map.set('old', 0); // stays live at the head while the rest churns behind it
    for (let i = 0; i < 20_000; i += 1) {
      map.set('churn', i);
      if (i % 3 === 0) map.delete('churn');
    }
    expect([map.get('old'), map.size]).toEqual([0, map.has('churn') ? 2 : 1]);
    const queue = (map as unknown as { queueKeys: string[] }).queueKeys;
    expect(queue.length).toBeLessThan(2_000);
  });
});

describe('Store eviction (docs/simulator-choices.md#store-eviction)', () => {
  it('never brings back records an account reset forgot, however many other accounts reset since', () => {
    const store = new Store(2);
    store.record('a', { key: 'k' }, stored(0));
    store.resetAccount('a');
    store.record('a', { key: 'k' }, stored(1));
    store.resetAccount('a');
    for (const other of ['b', 'c', 'd', 'e', 'f']) {
      store.resetAccount(other);
      expect(store.keyRecord('a', 'k')).toBeUndefined();
    }
    store.record('a', { key: 'k' }, stored(2));
    expect(store.keyRecord('a', 'k')?.createdAt).toBe(2);
  });

  it("keeps other accounts' records through a reset, even an account whose id starts the same", () => {
    const store = new Store(10);
    store.record('a', { key: 'k', token: 't' }, stored(0));
    store.record('ab', { key: 'k', token: 't' }, stored(1));
    store.resetAccount('a');
    expect([store.keyRecord('a', 'k'), store.tokenRecord('a', 't')]).toEqual([undefined, undefined]);
    expect([store.keyRecord('ab', 'k')?.createdAt, store.tokenRecord('ab', 't')?.createdAt]).toEqual([1, 1]);
  });

  it('never drops a key record inside its window while an older one remains, replays included', () => {
    let now = 0;
    const store = new Store(3, (_account, createdAt) => now - createdAt >= WINDOW);
    for (const key of ['k1', 'k2', 'k3']) {
      now += 1;
      store.record('acct', { key }, stored(now));
    }
    // Replays read the oldest record over and over: it stays the oldest.
    for (let i = 0; i < 5; i += 1) expect(store.keyRecord('acct', 'k1')).toBeDefined();
    store.record('acct', { key: 'k4' }, stored(++now));
    expect(['k1', 'k2', 'k3', 'k4'].map((key) => store.keyRecord('acct', key) !== undefined)).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it('lets key records past the window go before the store is full, judged on their own account clock', () => {
    const clocks: Record<string, number> = { a: 0, b: 0 };
    const store = new Store(100, (account, createdAt) => (clocks[account] ?? 0) - createdAt >= WINDOW);
    store.record('a', { key: 'old-a' }, stored(0));
    store.record('b', { key: 'old-b' }, stored(0));
    clocks.a = WINDOW; // only account a's clock moved past the window
    store.record('b', { key: 'new-b' }, stored(0));
    expect(store.keyRecord('a', 'old-a')).toBeUndefined();
    // old-b is inside b's window; nothing older than it is left, so it stays.
    expect(store.keyRecord('b', 'old-b')).toBeDefined();
    expect(store.size.keys).toBe(2);
  });

  it('keeps token records by count only: one token, one result while the store holds it', () => {
    let now = 0;
    const store = new Store(100, (_account, createdAt) => now - createdAt >= WINDOW);
    store.record('acct', { token: 'tok' }, stored(0));
    now = 10 * WINDOW;
    store.record('acct', { token: 'other' }, stored(now));
    expect(store.tokenRecord('acct', 'tok')).toBeDefined();
  });
});
