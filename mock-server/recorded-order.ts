/**
 * A bounded map that forgets in the order entries were recorded (simulator-decisions §3: eviction drops the
 * oldest first). Reading never refreshes an entry, as it would in an LRU, so a record inside its idempotency
 * window is never dropped while an older one remains. Entries whose time is over (`over`) are dropped from the
 * oldest end as new ones arrive, which caps the map by age as well as by count at O(1) amortized per record. A plain Map underneath: nothing is
 * allocated up front, unlike lru-cache, which sets up its arrays for `max` entries on creation.
 */
export class RecordedOrder<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly max: number,
    private readonly over: (value: V) => boolean = () => false,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Records `value` as the newest entry (a key recorded again moves to the newest end). */
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.max && !this.over(entry)) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
