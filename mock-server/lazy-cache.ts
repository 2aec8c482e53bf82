import { LRUCache } from 'lru-cache';

export interface LazyCache<V extends {}> {
  /** The cache, made on this first call. */
  (): LRUCache<string, V>;
  /** The cache if it was made already, without making it. */
  ifMade(): LRUCache<string, V> | undefined;
}

/**
 * An LRU made on first use. lru-cache sets up its arrays for `max` entries at once (milliseconds for 100k), and
 * most runs never touch most caches: the start stays fast.
 */
export function lazyCache<V extends {}>(max: number): LazyCache<V> {
  let cache: LRUCache<string, V> | undefined;
  const use = () => {
    cache ??= new LRUCache<string, V>({ max });
    return cache;
  };
  return Object.assign(use, { ifMade: () => cache });
}
