import { LRUCache } from 'lru-cache';

export interface LazyCache<V extends {}> {
  /** The cache, made on this first call. */
  (): LRUCache<string, V>;
  /** The cache if it was made already, without making it. */
  ifMade(): LRUCache<string, V> | undefined;
}

/** How many entries a cache first has room for; it grows eightfold whenever it is full, up to its `max`. */
const FIRST_ROOM = 1024;

/**
 * An LRU made on first use, with room for FIRST_ROOM entries at first. lru-cache sets up its arrays for `max`
 * entries at once (7 ms for 50k, on the first authorize), and most runs never fill most caches: the start stays
 * fast. Full at its room, it is copied into one with eight times the room, least recently used first, so it evicts
 * exactly as one made with `max` would: by entries only at `max`, and by bytes at the same `maxBytes`.
 */
export function lazyCache<V extends {}>(max: number, bound?: CacheBound<V>): LazyCache<V> {
  const options: LRUCache.Options<string, V, unknown> = bound === undefined ? { max } : withBytes(max, bound);
  let cache: LRUCache<string, V> | undefined;
  const use = () => {
    if (cache === undefined) cache = new LRUCache<string, V>({ ...options, max: Math.min(max, FIRST_ROOM) });
    else if (cache.size >= cache.max && cache.max < max) cache = grown(cache, Math.min(max, cache.max * 8), options);
    return cache;
  };
  return Object.assign(use, { ifMade: () => cache });
}

function grown<V extends {}>(
  cache: LRUCache<string, V>,
  room: number,
  options: LRUCache.Options<string, V, unknown>,
): LRUCache<string, V> {
  const larger = new LRUCache<string, V>({ ...options, max: room });
  for (const key of cache.rkeys()) {
    const value = cache.peek(key);
    if (value !== undefined) larger.set(key, value);
  }
  return larger;
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
