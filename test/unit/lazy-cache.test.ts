import { LRUCache } from 'lru-cache';
import { describe, expect, it } from 'vitest';
import { lazyCache } from '../../mock-server/core/store/lazy-cache.js';

/** A small deterministic generator (the same sequence every run). */
function seeded(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    // The high bits: an LCG's low bits repeat with a short period.
    return Math.floor((state / 2_147_483_648) * below);
  };
}

describe('lazyCache', () => {
  it('is made on first use with room for 1024 entries, and grows eightfold up to its max when full', () => {
    const cache = lazyCache<number>(10_000);
    expect(cache.ifMade()).toBeUndefined();
    expect(cache().max).toBe(1024);
    for (let i = 0; i < 1024; i += 1) cache().set(`k${i}`, i);
    expect(cache().max).toBe(8192);
    for (let i = 1024; i < 8192; i += 1) cache().set(`k${i}`, i);
    expect(cache().max).toBe(10_000);
    expect(cache().size).toBe(8192);
    expect(cache().get('k0')).toBe(0);
  });

  it('keeps, evicts and orders entries exactly as one LRU made with the max at once', () => {
    const max = 3000;
    const evicted: string[] = [];
    const full: string[] = [];
    const bound = {
      size: (value: number) => value % 50,
      maxBytes: 60_000,
      onEvict: (_value: number, key: string) => evicted.push(key),
      onFull: () => full.push('full'),
    };
    const growing = lazyCache<number>(max, bound);
    const expectedEvicted: string[] = [];
    const plain = new LRUCache<string, number>({
      max,
      maxSize: bound.maxBytes,
      sizeCalculation: (value, key) => Math.max(1, bound.size(value) + key.length),
      dispose: (_value, key, reason) => {
        if (reason === 'evict') expectedEvicted.push(key);
      },
    });
    const random = seeded(7);
    for (let step = 0; step < 20_000; step += 1) {
      const key = `key-${random(6000)}`;
      const op = random(10);
      if (op < 6) {
        const value = random(1000);
        growing().set(key, value);
        plain.set(key, value);
      } else if (op < 9) expect(growing().get(key)).toBe(plain.get(key));
      else expect(growing().delete(key)).toBe(plain.delete(key));
    }
    expect([...growing().keys()]).toEqual([...plain.keys()]);
    expect(evicted).toEqual(expectedEvicted);
    expect(evicted.length).toBeGreaterThan(0);
    expect(full).toEqual(['full']);
  });
});
