/** Keeps the last `capacity` items; the oldest is overwritten, or dropped sooner by `dropOldestWhile`. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[] = [];
  /** Index of the oldest item. */
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = item;
      this.count += 1;
    } else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** Drops items from the oldest end while `old` holds for them. */
  dropOldestWhile(old: (item: T) => boolean): void {
    while (this.count > 0 && old(this.items[this.head] as T)) {
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count -= 1;
    }
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i += 1) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }
}
