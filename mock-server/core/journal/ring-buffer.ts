/**
 * Keeps the last `capacity` items; the oldest is overwritten, or dropped sooner by `shift` or `dropOldestWhile`.
 * Hand-written: no bounded queue is among the dependencies (lru-cache evicts by use, not by arrival).
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[] = [];
  /** Index of the oldest item. */
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {}

  /** Adds the newest item; returns the oldest one it overwrote when full. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = item;
      this.count += 1;
      return undefined;
    }
    const overwritten = this.items[this.head];
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return overwritten;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const oldest = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
    return oldest;
  }

  /** Drops items from the oldest end while `old` holds for them, handing each to `dropped`. */
  dropOldestWhile(old: (item: T) => boolean, dropped: (item: T) => void = () => {}): void {
    while (this.count > 0 && old(this.items[this.head] as T)) dropped(this.shift() as T);
  }

  get size(): number {
    return this.count;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i += 1) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }
}
