// The memory journal's records as bytes (issue 16): a record is kept as the UTF-8 text of its encoding in one buffer
// written in a circle, and each account's ring of records holds only numbers (typed arrays), so a request leaves no
// object behind for the collector to copy, promote and mark. A record is decoded again when the journal is read.

/** The text ring's first size: it doubles, up to its cap, as long as what is kept needs it. */
const FIRST_CAPACITY = 1024 * 1024;

/**
 * Text written one after another into one buffer, round and round: a write that does not fit before the end starts
 * again at the beginning, and what is written overwrites the oldest text. Every text has a position (its first byte,
 * counted from the first write, never reused), which says whether it is still there.
 *
 * The buffer starts at 1 MB (or the cap, when smaller) and doubles, up to `maxCapacity`, when a lap begins while the
 * oldest text still wanted (`oldest()`) is less than half a lap old: it would be overwritten before long. So a journal
 * of a few records per account takes a few MB of memory, and only one that needs it takes the whole cap.
 */
export class TextRing {
  private buffer: Buffer | undefined;
  private size: number;
  /** The position just after the last text written. */
  private end = 0;
  /** No text before this position is still there (growing never brings one back). */
  private start = 0;
  /** The byte length of the last text written, and of its head. */
  lastLength = 0;
  lastSplit = 0;
  /** The last write began a lap of the buffer: from here on it overwrites what the previous lap wrote. */
  lapped = false;

  constructor(
    readonly maxCapacity: number,
    /** The position of the oldest text still wanted, if any. */
    private readonly oldest: () => number | undefined = () => undefined,
    firstCapacity = FIRST_CAPACITY,
  ) {
    this.size = Math.min(maxCapacity, firstCapacity);
  }

  /** Its size now. */
  get capacity(): number {
    return this.size;
  }

  /**
   * Writes `head` and then `tail` (together at most `maxCapacity` bytes of UTF-8) and returns their position; their
   * length is then `lastLength`, the head's `lastSplit`.
   */
  write(head: string, tail = ''): number {
    // Most writes fit where the last one ended, even at three bytes a UTF-16 unit (UTF-8's most): then the text goes
    // straight in and `write` says how many bytes it took, without measuring it first (`Buffer.byteLength`).
    const at = this.end % this.size;
    if (this.buffer !== undefined && at + 3 * (head.length + tail.length) < this.size) {
      const split = this.buffer.write(head, at);
      const length = tail === '' ? split : split + this.buffer.write(tail, at + split);
      return this.wrote(this.end, length, split, false);
    }
    return this.writeMeasured(head, tail);
  }

  private writeMeasured(head: string, tail: string): number {
    const split = Buffer.byteLength(head);
    const length = split + (tail === '' ? 0 : Buffer.byteLength(tail));
    if (length > this.maxCapacity) {
      throw new RangeError(`a text of ${length} bytes is over the ring's ${this.maxCapacity}`);
    }
    // Allocated on the first record, outside the JavaScript heap.
    this.buffer ??= Buffer.allocUnsafeSlow(this.size);
    const lapped = Math.floor((this.end + length) / this.size) > Math.floor(this.end / this.size) || length > this.size;
    if (lapped) this.growIfWanted(length);
    const at = this.end % this.size;
    if (at + length > this.size) this.end += this.size - at;
    const position = this.end;
    const start = position % this.size;
    const buffer = this.buffer as Buffer;
    buffer.write(head, start, split, 'utf8');
    if (length > split) buffer.write(tail, start + split, length - split, 'utf8');
    return this.wrote(position, length, split, lapped);
  }

  /** Records a write of `length` bytes (`split` of them the head's) at `position`; returns the position. */
  private wrote(position: number, length: number, split: number, lapped: boolean): number {
    this.end = position + length;
    this.start = Math.max(this.start, this.end - this.size);
    this.lastLength = length;
    this.lastSplit = split;
    this.lapped = lapped;
    return position;
  }

  /** At the start of a lap: doubles while the oldest text wanted would be overwritten within half a lap. */
  private growIfWanted(length: number): void {
    const oldest = this.oldest();
    let size = this.size;
    while (size < this.maxCapacity && (length > size || (oldest !== undefined && this.end - oldest > size / 2))) {
      size = Math.min(this.maxCapacity, size * 2);
    }
    if (size === this.size) return;
    const from = this.buffer as Buffer;
    const to = Buffer.allocUnsafeSlow(size);
    // Every byte still there moves to its place in the larger ring: positions stay as they are.
    for (let at = this.start; at < this.end; ) {
      const source = at % this.size;
      const target = at % size;
      const count = Math.min(this.end - at, this.size - source, size - target);
      from.copy(to, target, source, source + count);
      at += count;
    }
    this.buffer = to;
    this.size = size;
  }

  /** The text at `position` has not been overwritten. */
  holds(position: number): boolean {
    return position >= this.start;
  }

  /** The bytes `from` to `to` of the text at `position`. */
  read(position: number, from: number, to: number): string {
    const at = position % this.size;
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

  /** The position of its oldest record, if it has one. */
  get oldest(): number | undefined {
    return this.count === 0 ? undefined : this.positions[this.head];
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
