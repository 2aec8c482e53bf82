/**
 * A bounded map that forgets in the order entries were recorded (docs/simulator-choices.md#store-eviction: eviction drops the
 * oldest first). Reading never refreshes an entry, as it would in an LRU, so a record inside its idempotency
 * window is never dropped while an older one remains. Entries whose time is over (`over`) are dropped from the
 * oldest end as new ones arrive, which caps the map by age as well as by count.
 *
 * The order is a queue of (key, sequence) beside the Map: an item whose entry was recorded again since is stale and
 * skipped. Every operation is O(1) amortized: the Map is never iterated (V8 leaves deleted Map entries as holes that
 * an iteration from the front would walk), and nothing is allocated up front.
 */
export interface ByteBound<V> {
  /** Bytes one value holds, estimated (its strings, mostly). */
  size: (value: V) => number;
  maxBytes: number;
  /** Called the first time the byte cap makes an entry go. */
  onFull?: () => void;
}

export class RecordedOrder<V> {
  private readonly entries = new Map<string, { value: V; seq: number; bytes: number }>();
  private bytes = 0;
  private warned = false;
  private queueKeys: string[] = [];
  private queueSeqs: number[] = [];
  private head = 0;
  private nextSeq = 0;

  constructor(
    private readonly max: number,
    private readonly over: (value: V) => boolean = () => false,
    /** A cap on the bytes held too: the oldest go first, as with the count (the newest entry always stays). */
    private readonly bound?: ByteBound<V>,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Records `value` as the newest entry (a key recorded again moves to the newest end). */
  set(key: string, value: V): void {
    const seq = this.nextSeq++;
    const bytes = this.bound === undefined ? 0 : this.bound.size(value) + key.length;
    this.delete(key);
    this.entries.set(key, { value, seq, bytes });
    this.bytes += bytes;
    this.queueKeys.push(key);
    this.queueSeqs.push(seq);
    while (this.head < this.queueKeys.length) {
      const oldest = this.queueKeys[this.head] as string;
      const entry = this.entries.get(oldest);
      if (entry !== undefined && entry.seq === this.queueSeqs[this.head]) {
        const overBytes = this.bound !== undefined && this.bytes > this.bound.maxBytes && entry.seq !== seq;
        if (this.entries.size <= this.max && !this.over(entry.value) && !overBytes) break;
        if (overBytes && !this.warned) {
          this.warned = true;
          this.bound?.onFull?.();
        }
        this.delete(oldest);
      }
      this.head++;
    }
    // The queue is rebuilt from its live items when most of it is behind the head, or stale (keys recorded again,
    // or deleted, pile up behind a live one): linear work at most once per as many records, so O(1) amortized.
    const length = this.queueKeys.length;
    if ((this.head > 1024 && this.head * 2 > length) || length - this.head > 2 * this.entries.size + 1024) {
      this.compact();
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }

  /** Deletes every entry whose key matches: a walk over all of them, for rare operations (an account reset). */
  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (matches(key)) this.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held, as the bound estimates them (0 without a bound). */
  get byteSize(): number {
    return this.bytes;
  }

  private compact(): void {
    const keys: string[] = [];
    const seqs: number[] = [];
    for (let i = this.head; i < this.queueKeys.length; i++) {
      const key = this.queueKeys[i] as string;
      if (this.entries.get(key)?.seq === this.queueSeqs[i]) {
        keys.push(key);
        seqs.push(this.queueSeqs[i] as number);
      }
    }
    this.queueKeys = keys;
    this.queueSeqs = seqs;
    this.head = 0;
  }
}
