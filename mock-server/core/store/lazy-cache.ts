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
export function lazyCache<V extends {}>(max: number, bound?: CacheBound<V>): LazyCache<V> {
  let cache: LRUCache<string, V> | undefined;
  const use = () => {
    cache ??= new LRUCache<string, V>(bound === undefined ? { max } : withBytes(max, bound));
    return cache;
  };
  return Object.assign(use, { ifMade: () => cache });
}

/** A cap on bytes besides entries: the least recently used go first; `onFull` hears of the first such eviction. */
export interface CacheBound<V> {
  size: (value: V, key: string) => number;
  maxBytes: number;
  onFull?: () => void;
  /** Hears of every entry the caps made go (not of those deleted or replaced). */
  onEvict?: (value: V, key: string) => void;
}

function withBytes<V extends {}>(max: number, bound: CacheBound<V>): LRUCache.Options<string, V, unknown> {
  let warned = false;
  return {
    max,
    maxSize: bound.maxBytes,
    // An entry counts at least 1 byte (lru-cache's rule), its key included.
    sizeCalculation: (value, key) => Math.max(1, bound.size(value, key) + key.length),
    dispose: (value, key, reason) => {
      if (reason !== 'evict') return;
      bound.onEvict?.(value, key);
      if (warned) return;
      warned = true;
      bound.onFull?.();
    },
  };
}
