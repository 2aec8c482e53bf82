// The memory journal's records as bytes (issue 16): a record is kept as the UTF-8 text of its encoding in one buffer
// written in a circle, and each account's ring of records holds only numbers (typed arrays), so a request leaves no
// object behind for the collector to copy, promote and mark. A record is decoded again when the journal is read.

/**
 * Text written one after another into one buffer of `capacity` bytes, round and round: a write that does not fit
 * before the end starts again at the beginning, and what is written overwrites the oldest text. Every text has a
 * position (its first byte, counted from the first write, never reused), which says whether it is still there.
 */
export class TextRing {
  private buffer: Buffer | undefined;
  /** The position just after the last text written. */
  private end = 0;
  /** The byte length of the last text written, and of its head. */
  lastLength = 0;
  lastSplit = 0;

  constructor(readonly capacity: number) {}

  /**
   * Writes `head` and then `tail` (together at most `capacity` bytes of UTF-8) and returns their position; their
   * length is then `lastLength`, the head's `lastSplit`.
   */
  write(head: string, tail = ''): number {
    // Allocated on the first record, outside the JavaScript heap, and never again.
    this.buffer ??= Buffer.allocUnsafeSlow(this.capacity);
    const split = Buffer.byteLength(head);
    const length = split + (tail === '' ? 0 : Buffer.byteLength(tail));
    if (length > this.capacity) throw new RangeError(`a text of ${length} bytes is over the ring's ${this.capacity}`);
    const at = this.end % this.capacity;
    if (at + length > this.capacity) this.end += this.capacity - at;
    const position = this.end;
    const start = position % this.capacity;
    this.buffer.write(head, start, split, 'utf8');
    if (length > split) this.buffer.write(tail, start + split, length - split, 'utf8');
    this.end = position + length;
    this.lastLength = length;
    this.lastSplit = split;
    return position;
  }

  /** The text at `position` has not been overwritten. */
  holds(position: number): boolean {
    return position >= this.end - this.capacity;
  }

  /** The bytes `from` to `to` of the text at `position`. */
  read(position: number, from: number, to: number): string {
    const at = position % this.capacity;
    return (this.buffer as Buffer).toString('utf8', at + from, at + to);
  }
}

/** Where one account's records are in the text ring: the last `capacity` of them, oldest first, as numbers only. */
export class RecordIndex {
  private positions: Float64Array;
  private lengths: Uint32Array;
  private splits: Uint32Array;
  private seqs: Float64Array;
  private times: Float64Array;
  /** Slot of the oldest record. */
  private head = 0;
  private count = 0;

  /** Grows as records come, up to `capacity` slots: most accounts keep a few records. */
  constructor(
    private readonly capacity: number,
    initial = 16,
  ) {
    const slots = Math.min(capacity, initial);
    this.positions = new Float64Array(slots);
    this.lengths = new Uint32Array(slots);
    this.splits = new Uint32Array(slots);
    this.seqs = new Float64Array(slots);
    this.times = new Float64Array(slots);
  }

  get size(): number {
    return this.count;
  }

  /** Adds the newest record; when full, the oldest gives way. */
  push(position: number, length: number, split: number, seq: number, time: number): void {
    if (this.count === this.positions.length && this.count < this.capacity) this.grow();
    let slot: number;
    if (this.count < this.positions.length) {
      slot = (this.head + this.count) % this.positions.length;
      this.count += 1;
    } else {
      slot = this.head;
      this.head = (this.head + 1) % this.positions.length;
    }
    this.positions[slot] = position;
    this.lengths[slot] = length;
    this.splits[slot] = split;
    this.seqs[slot] = seq;
    this.times[slot] = time;
  }

  /** Drops records from the oldest end while `gone(position, time)` holds; returns how many went. */
  dropOldestWhile(gone: (position: number, time: number) => boolean): number {
    let dropped = 0;
    while (this.count > 0 && gone(this.positions[this.head] as number, this.times[this.head] as number)) {
      this.head = (this.head + 1) % this.positions.length;
      this.count -= 1;
      dropped += 1;
    }
    return dropped;
  }

  /** Calls `each` with every record's position, length, head's length and seq, oldest first. */
  forEach(each: (position: number, length: number, split: number, seq: number) => void): void {
    for (let i = 0; i < this.count; i += 1) {
      const slot = (this.head + i) % this.positions.length;
      each(
        this.positions[slot] as number,
        this.lengths[slot] as number,
        this.splits[slot] as number,
        this.seqs[slot] as number,
      );
    }
  }

  private grow(): void {
    const slots = Math.min(this.capacity, this.positions.length * 2);
    const order = (from: Float64Array | Uint32Array, to: Float64Array | Uint32Array) => {
      for (let i = 0; i < this.count; i += 1) to[i] = from[(this.head + i) % from.length] as number;
    };
    const positions = new Float64Array(slots);
    const lengths = new Uint32Array(slots);
    const splits = new Uint32Array(slots);
    const seqs = new Float64Array(slots);
    const times = new Float64Array(slots);
    order(this.positions, positions);
    order(this.lengths, lengths);
    order(this.splits, splits);
    order(this.seqs, seqs);
    order(this.times, times);
    this.positions = positions;
    this.lengths = lengths;
    this.splits = splits;
    this.seqs = seqs;
    this.times = times;
    this.head = 0;
  }
}
