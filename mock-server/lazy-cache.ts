import { LRUCache } from 'lru-cache';

/**
 * An LRU made on first use. lru-cache sets up its arrays for `max` entries at once (milliseconds for 100k), and
 * most runs never touch most caches: the start stays fast.
 */
export function lazyCache<V extends {}>(max: number): () => LRUCache<string, V> {
  let cache: LRUCache<string, V> | undefined;
  return () => {
    cache ??= new LRUCache<string, V>({ max });
    return cache;
  };
}
