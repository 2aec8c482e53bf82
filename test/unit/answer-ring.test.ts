import { describe, expect, it, vi } from 'vitest';
import type { StoredResponse } from '../../mock-server/core/idempotency.js';
import { AnswerRing, type AnswerRingLimits } from '../../mock-server/core/store/answer-ring.js';
import { accountOfKey, scopePrefix } from '../../mock-server/core/store/recent-keys.js';
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

describe('AnswerRing', () => {
  const ring = (maxEntries: number, more: Partial<AnswerRingLimits> = {}) =>
    new AnswerRing({ maxEntries, maxBytes: 1024 * 1024, ...more });

  it('reads back every field as recorded, whatever its strings hold and whichever are absent', () => {
    const map = ring(10);
    const odd: StoredResponse = {
      status: 409,
      body: '{"a":"\u00e9"}',
      result: 'say "no"\\ \n ünï',
      fingerprint: 'Zm9v-_0123456789abcdefghijklmnopqrstuvwxyzAB',
      rawHash: 'tab\there',
      tokens: { 'Klarna-Network-Session-Token': 'h"1' },
      createdAt: 1_796_692_021_437.5,
      amount: undefined,
      currency: '"}]',
      finalAuthorization: true,
    };
    const plain: StoredResponse = { ...stored(7), fingerprint: undefined, amount: -0 };
    map.set('odd', odd);
    map.set('plain', plain);
    // Read from the ring's bytes: nothing is kept decoded until it is read.
    expect(map.get('odd')).toEqual(odd);
    expect(map.get('plain')).toEqual({ ...plain, amount: 0 });
    // A time that is not a number is written as JSON writes it: null.
    map.set('nan', { ...stored(1), createdAt: Number.NaN });
    expect(map.get('nan')?.createdAt).toBeNull();
  });

  it('drops the oldest recorded answer for room, however recently it was read', () => {
    const map = ring(2);
    map.set('a', stored(1));
    map.set('b', stored(2));
    expect(map.get('a')?.createdAt).toBe(1); // an LRU would now keep a and drop b
    map.set('c', stored(3));
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([false, true, true]);
    expect(map.size).toBe(2);
  });

  it('moves an answer recorded again to the newest end, and answers with the newest', () => {
    const map = ring(2);
    map.set('a', stored(1));
    map.set('b', stored(2));
    expect(map.get('a')?.createdAt).toBe(1); // decoded and kept among the answers read last
    map.set('a', stored(10));
    map.set('c', stored(3));
    expect([map.get('a')?.createdAt, map.has('b'), map.get('c')?.createdAt]).toEqual([10, false, 3]);
  });

  it('drops answers whose time is over from the oldest end as new ones arrive', () => {
    let now = 0;
    const map = ring(100, { over: (_key, createdAt) => now - createdAt >= WINDOW });
    for (const at of [0, 10, 20]) map.set(`k${at}`, stored(at));
    now = 1015; // k0 and k10 are past the window, k20 is not
    map.set('fresh', stored(now));
    expect([map.has('k0'), map.has('k10'), map.has('k20'), map.has('fresh')]).toEqual([false, false, true, true]);
  });

  it('gives back every field as it was kept, and each body as the bytes it was sent as', () => {
    const map = ring(10);
    const full: StoredResponse = {
      ...stored(5),
      body: '{"name":"Zoë \\"quoted\\" 𝄞","tab":"\t"}',
      rawHash: 'raw',
      tokens: { 'Klarna-Customer-Token': 'abc' },
      fingerprint: undefined,
      amount: undefined,
      finalAuthorization: true,
    };
    map.set('k', full);
    map.set('other', stored(6));
    const fresh = ring(10);
    fresh.set('k', full);
    expect([fresh.get('k'), map.get('k'), map.get('other')]).toEqual([full, full, stored(6)]);
    // A lone surrogate goes out on the wire as UTF-8's replacement character, and so does its replay.
    const lone = { ...stored(8), body: '{"a":"\ud800"}' };
    map.set('lone', lone);
    map.set('after', stored(9));
    expect(Buffer.from(map.get('lone')?.body ?? '')).toEqual(Buffer.from(lone.body));
  });

  it('keeps its answers within maxBytes: the oldest go first, and onFull hears of it once', () => {
    const onFull = vi.fn();
    const body = 'x'.repeat(10_000);
    const map = new AnswerRing({ maxEntries: 1_000, maxBytes: 100_000, onFull });
    for (let i = 0; i < 50; i += 1) map.set(`k${i}`, { ...stored(i), body });
    expect(map.size).toBeGreaterThan(3);
    expect(map.size).toBeLessThan(10);
    expect(map.has('k49')).toBe(true);
    expect(map.get('k0')).toBeUndefined();
    expect(map.get('k49')?.body).toBe(body);
    expect(onFull).toHaveBeenCalledTimes(1);
  });

  it('keeps an answer too large for its bytes apart, the newest few of them', () => {
    const map = new AnswerRing({ maxEntries: 100, maxBytes: 1000 });
    const huge = (i: number) => ({ ...stored(i), body: `${i}`.padEnd(5_000, 'y') });
    for (let i = 0; i < 6; i += 1) map.set(`big${i}`, huge(i));
    map.set('small', stored(7));
    expect(map.get('big5')?.body).toBe(huge(5).body);
    expect([map.has('big0'), map.has('big1'), map.get('small')?.createdAt]).toEqual([false, false, 7]);
  });

  it('grows its slots as answers come, and keeps each one through the growth', () => {
    const map = ring(5_000);
    for (let i = 0; i < 4_500; i += 1) map.set(`k${i}`, stored(i));
    map.delete('k7');
    expect(map.size).toBe(4_499);
    expect([map.get('k0')?.createdAt, map.get('k7'), map.get('k4499')?.createdAt]).toEqual([0, undefined, 4499]);
    for (let i = 4_500; i < 5_100; i += 1) map.set(`k${i}`, stored(i));
    expect([map.size, map.has('k99'), map.has('k101'), map.get('k5099')?.createdAt]).toEqual([
      5_000,
      false,
      true,
      5099,
    ]);
  });

  it('stays bounded however often keys are recorded again or deleted, and counts only the answers kept', () => {
    // (Bytes are counted as written: the churn's 2.4 MB of text would overwrite old's in a ring of 1 MB.)
    const map = ring(2, { maxBytes: 8 * 1024 * 1024 });
    map.set('old', stored(0)); // stays live at the oldest end while the rest churns behind it
    for (let i = 0; i < 20_000; i += 1) {
      map.set('churn', stored(i));
      if (i % 3 === 0) map.delete('churn');
    }
    expect([map.get('old')?.createdAt, map.size]).toEqual([0, map.has('churn') ? 2 : 1]);
    expect((map as unknown as { slots: number }).slots).toBeLessThanOrEqual(4);
  });

  it('counts the answers kept, not those recorded: a deleted or re-recorded one leaves room', () => {
    const three = ring(3);
    for (const key of ['a', 'b']) three.set(key, stored(1));
    three.delete('b');
    for (const key of ['c', 'd']) three.set(key, stored(2));
    expect(['a', 'b', 'c', 'd'].map((key) => three.has(key))).toEqual([true, false, true, true]);
    const two = ring(2);
    two.set('a', stored(1));
    two.set('b', stored(2));
    two.set('b', stored(3));
    expect([two.get('a')?.createdAt, two.get('b')?.createdAt, two.size]).toEqual([1, 3, 2]);
  });

  it('never answers with text the ring overwrote, even behind an answer kept apart', () => {
    const map = new AnswerRing({ maxEntries: 1_000, maxBytes: 1_000 });
    map.set('big', { ...stored(0), body: 'y'.repeat(5_000) }); // too large for the ring: kept apart, the oldest
    for (let i = 10; i < 60; i += 1) map.set(`k${i}`, { ...stored(i), body: 'x'.repeat(i) });
    for (let i = 10; i < 60; i += 1) {
      const answer = map.get(`k${i}`);
      expect(answer === undefined || answer.createdAt === i).toBe(true);
      expect(map.has(`k${i}`)).toBe(answer !== undefined);
    }
    expect(map.get('k59')?.body).toBe('x'.repeat(59));
    expect(map.get('big')?.body.length).toBe(5_000);
  });

  it('lets go of answers whose text was overwritten behind one kept apart: they leave room, not count', () => {
    const map = new AnswerRing({ maxEntries: 4, maxBytes: 1024 * 1024 });
    map.set('big', { ...stored(0), body: 'y'.repeat(1024 * 1024 + 1) });
    for (const key of ['a', 'b']) map.set(key, { ...stored(1), body: key });
    for (const key of ['c', 'd']) map.set(key, { ...stored(2), body: key.repeat(600_000) });
    expect(['big', 'a', 'b', 'c', 'd'].map((key) => map.has(key))).toEqual([true, false, false, false, true]);
    expect(map.size).toBe(2);
  });

  it('holds no key it let go of: its slots forget them as they pass', () => {
    const map = ring(100);
    for (let i = 0; i < 5_000; i += 1) map.set(`k${i}`, stored(i));
    const keys = (map as unknown as { keys: (string | undefined)[] }).keys;
    expect(keys.filter((key) => key !== undefined)).toHaveLength(100);
  });

  it('keeps every answer up to its byte cap, after a reset and beside a large answer', () => {
    const onFull = vi.fn();
    const map = new AnswerRing({ maxEntries: 50_000, maxBytes: 12 * 1024 * 1024, onFull });
    const body = 'b'.repeat(1_000);
    for (let i = 0; i < 600; i += 1) map.set(`old${i}`, { ...stored(i), body });
    map.deleteWhere(() => true);
    for (let i = 0; i < 1_500; i += 1) map.set(`k${i}`, { ...stored(i), body });
    for (let i = 0; i < 100; i += 1) map.set(`m${i}`, { ...stored(i), body: 'm'.repeat(5_000) });
    map.set('large', { ...stored(0), body: 'l'.repeat(600_000) });
    expect(map.size).toBe(1_601);
    expect([map.has('k0'), map.has('m0'), map.get('large')?.body.length, onFull.mock.calls.length]).toEqual([
      true,
      true,
      600_000,
      0,
    ]);
  });
});

describe('accountOfKey', () => {
  it('reads back the account of any key, colons and long accounts included', () => {
    for (const account of ['a', 'krn:partner:global:account:test:M48JWZF8', 'x'.repeat(123), 'ü:𝄞:', '']) {
      for (const id of ['k', '', 'id:with:colons']) {
        expect(accountOfKey(`${scopePrefix(account)}${id}`)).toBe(account);
      }
    }
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
