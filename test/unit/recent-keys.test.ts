import { describe, expect, it } from 'vitest';
import { RecentKeys, scopePrefix } from '../../mock-server/core/store/recent-keys.js';

describe('the keys records are kept under', () => {
  it('scope an id by its account, length-prefixed, so that no pair spells another', () => {
    const keys = new RecentKeys();
    expect(keys.key('acc', 'k1')).toBe('3:acc:k1');
    expect(keys.key('a:b', 'c')).not.toBe(keys.key('a', 'b:c'));
    expect(keys.key('acc', 'k1').startsWith(scopePrefix('acc'))).toBe(true);
  });

  it('are the same for the same pair, remembered or made again, in any order', () => {
    const keys = new RecentKeys();
    const pairs = Array.from({ length: 10 }, (_, i) => [`acc${i % 3}`, `id-${i}`] as const);
    const expected = pairs.map(([account, id]) => `${account.length}:${account}:${id}`);
    for (let round = 0; round < 3; round += 1) {
      expect(pairs.map(([account, id]) => keys.key(account, id))).toEqual(expected);
      expect([...pairs].reverse().map(([account, id]) => keys.key(account, id))).toEqual([...expected].reverse());
    }
    // Equal strings made apart (as each request's headers make them) find the same key.
    expect(keys.key(['ac', 'c0'].join(''), ['id', '-9'].join(''))).toBe('4:acc0:id-9');
  });

  it('never answer one account with another account key for the same id', () => {
    const keys = new RecentKeys();
    expect(keys.key('a', 'same')).toBe('1:a:same');
    expect(keys.key('b', 'same')).toBe('1:b:same');
    expect(keys.key('a', 'same')).toBe('1:a:same');
  });
});
